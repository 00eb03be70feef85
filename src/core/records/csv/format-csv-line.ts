/**
 * One CSV line (RFC 4180) of the given fields, ending with CRLF: a field is
 * quoted when it holds a comma, a quote, a line break or leading or trailing
 * spaces, and a formula-like field (starting with = + - @) is prefixed with
 * a quote character so a spreadsheet shows it as text instead of running it.
 * Pure.
 */
export function formatCsvLine(fields: readonly string[]): string {
  return `${fields.map(formatField).join(',')}\r\n`;
}

function formatField(value: string): string {
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
