/**
 * The columns of the standard 双公示 exports (DESIGN.md §2.2): their
 * standard Chinese headers, the variants seen in real exports, and which
 * kind of file they belong to. Header text is matched after
 * {@link normalizeHeader}, so full-width parentheses, spaces and the
 * underscore of `代码_1` do not matter.
 */

/** The two kinds of 双公示 CSV export. */
export type CsvKind = 'licence' | 'penalty';

export const CSV_KINDS: readonly CsvKind[] = ['licence', 'penalty'];

/** What a column feeds; the mapping to the record is in ./map-row.ts and README "Importing 双公示 CSV exports". */
export type ColumnKey =
  // subject (both kinds)
  | 'name'
  | 'subjectCategory'
  | 'uscc'
  | 'regNo'
  | 'orgCode'
  | 'taxNo'
  | 'institutionNo'
  | 'socialOrgNo'
  | 'legalRepresentative'
  | 'legalRepresentativeIdType'
  | 'legalRepresentativeIdNumber'
  | 'idType'
  | 'idNumber'
  // decision (both kinds, under different headers)
  | 'decisionDate'
  | 'authority'
  | 'authorityUscc'
  | 'dataSource'
  | 'dataSourceUscc'
  | 'remarks'
  // licence
  | 'licenceDocumentName'
  | 'licenceDocumentNumber'
  | 'licenceType'
  | 'certificateName'
  | 'licenceNumber'
  | 'licenceContent'
  | 'validFrom'
  | 'validTo'
  | 'currentState'
  // penalty
  | 'penaltyDecisionNumber'
  | 'violationType'
  | 'violationFacts'
  | 'legalBasis'
  | 'penaltyTypes'
  | 'penaltyContent'
  | 'fine'
  | 'confiscated'
  | 'suspendedLicences'
  | 'penaltyValidTo'
  | 'publicityTo'
  | 'severity';

export interface ColumnDef {
  readonly key: ColumnKey;
  /** The header of the national standard. */
  readonly header: string;
  /** Other headers accepted for the column. */
  readonly aliases?: readonly string[];
}

/** The subject's identifier columns, in the standard's order (the first filled one keys the record). */
export const IDENTIFIER_COLUMNS = ['uscc', 'regNo', 'orgCode', 'taxNo', 'institutionNo', 'socialOrgNo'] as const satisfies readonly ColumnKey[];

const SUBJECT: readonly ColumnDef[] = [
  { key: 'name', header: '行政相对人名称' },
  { key: 'subjectCategory', header: '行政相对人类别' },
  { key: 'uscc', header: '行政相对人代码_1(统一社会信用代码)', aliases: ['统一社会信用代码', '行政相对人统一社会信用代码'] },
  { key: 'regNo', header: '行政相对人代码_2(工商注册号)', aliases: ['工商注册号', '工商登记码'] },
  { key: 'orgCode', header: '行政相对人代码_3(组织机构代码)', aliases: ['组织机构代码'] },
  { key: 'taxNo', header: '行政相对人代码_4(税务登记号)', aliases: ['税务登记号'] },
  { key: 'institutionNo', header: '行政相对人代码_5(事业单位证书号)', aliases: ['事业单位证书号'] },
  { key: 'socialOrgNo', header: '行政相对人代码_6(社会组织登记证号)', aliases: ['社会组织登记证号'] },
  { key: 'legalRepresentative', header: '法定代表人', aliases: ['法定代表人(负责人)', '法定代表人姓名'] },
  { key: 'legalRepresentativeIdType', header: '法定代表人证件类型' },
  { key: 'legalRepresentativeIdNumber', header: '法定代表人证件号码' },
  { key: 'idType', header: '证件类型' },
  { key: 'idNumber', header: '证件号码' },
];

const SOURCE: readonly ColumnDef[] = [
  { key: 'dataSource', header: '数据来源单位' },
  { key: 'dataSourceUscc', header: '数据来源单位统一社会信用代码' },
  { key: 'remarks', header: '备注' },
];

const LICENCE: readonly ColumnDef[] = [
  ...SUBJECT,
  { key: 'licenceDocumentName', header: '行政许可决定文书名称', aliases: ['许可决定文书名称'] },
  { key: 'licenceDocumentNumber', header: '行政许可决定文书号', aliases: ['许可决定文书号', '行政许可决定书文号'] },
  { key: 'licenceType', header: '许可类别' },
  { key: 'certificateName', header: '许可证书名称' },
  { key: 'licenceNumber', header: '许可编号' },
  { key: 'licenceContent', header: '许可内容' },
  { key: 'decisionDate', header: '许可决定日期' },
  { key: 'validFrom', header: '有效期自' },
  { key: 'validTo', header: '有效期至' },
  { key: 'authority', header: '许可机关' },
  { key: 'authorityUscc', header: '许可机关统一社会信用代码' },
  { key: 'currentState', header: '当前状态' },
  ...SOURCE,
];

const PENALTY: readonly ColumnDef[] = [
  ...SUBJECT,
  { key: 'penaltyDecisionNumber', header: '行政处罚决定书文号', aliases: ['处罚决定书文号'] },
  { key: 'violationType', header: '违法行为类型' },
  { key: 'violationFacts', header: '违法事实' },
  { key: 'legalBasis', header: '处罚依据' },
  { key: 'penaltyTypes', header: '处罚类别' },
  { key: 'penaltyContent', header: '处罚内容' },
  { key: 'fine', header: '罚款金额(万元)' },
  {
    key: 'confiscated',
    header: '没收违法所得、没收非法财物的金额(万元)',
    aliases: ['没收违法所得金额(万元)', '没收违法所得金额'],
  },
  { key: 'suspendedLicences', header: '暂扣或吊销证照名称及编号' },
  { key: 'decisionDate', header: '处罚决定日期' },
  { key: 'penaltyValidTo', header: '处罚有效期' },
  { key: 'publicityTo', header: '公示截止期' },
  { key: 'authority', header: '处罚机关' },
  { key: 'authorityUscc', header: '处罚机关统一社会信用代码' },
  { key: 'severity', header: '处罚严重程度', aliases: ['严重程度'] },
  ...SOURCE,
];

/** Every column of each kind, in the standard's order. */
export const COLUMNS: Readonly<Record<CsvKind, readonly ColumnDef[]>> = { licence: LICENCE, penalty: PENALTY };

/** The keys that decide the record's identity and meaning: a file without them is refused. */
export const REQUIRED: Readonly<Record<CsvKind, readonly ColumnKey[]>> = {
  licence: ['name', 'subjectCategory', 'licenceDocumentNumber', 'decisionDate', 'authority'],
  penalty: ['name', 'subjectCategory', 'penaltyDecisionNumber', 'decisionDate', 'authority'],
};

/** Columns any of which identifies the subject: at least one must be present. */
export const SUBJECT_ID_COLUMNS: readonly ColumnKey[] = [...IDENTIFIER_COLUMNS, 'idNumber'];

/**
 * The comparable form of a header cell: Unicode NFKC (full-width letters,
 * digits and parentheses to ASCII), without whitespace, zero-width
 * characters, a byte-order mark or underscores, ASCII letters lower-cased.
 */
export function normalizeHeader(header: string): string {
  return header
    .normalize('NFKC')
    .replace(/[\s\u200b-\u200d\u2060\ufeff_]/g, '')
    .replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** The standard header without its parenthesised tail: `罚款金额(万元)` → `罚款金额`. */
function withoutParentheses(header: string): string | undefined {
  const m = /^(.+?)\(([^()]+)\)$/.exec(header.normalize('NFKC'));
  return m ? m[1] : undefined;
}

/** Normalised header → column key, per kind. */
export const HEADER_INDEX: Readonly<Record<CsvKind, ReadonlyMap<string, ColumnKey>>> = {
  licence: buildIndex(LICENCE),
  penalty: buildIndex(PENALTY),
};

function buildIndex(defs: readonly ColumnDef[]): ReadonlyMap<string, ColumnKey> {
  const index = new Map<string, ColumnKey>();
  for (const def of defs) {
    const names = [def.header, ...(def.aliases ?? [])];
    const bare = withoutParentheses(def.header);
    if (bare) names.push(bare);
    for (const name of names) {
      const n = normalizeHeader(name);
      const taken = index.get(n);
      if (taken && taken !== def.key) throw new Error(`header "${name}" names both ${taken} and ${def.key}`);
      index.set(n, def.key);
    }
  }
  return index;
}

/** The standard header of a column of a kind (the key itself if the kind has no such column). */
export function standardHeader(kind: CsvKind, key: ColumnKey): string {
  return COLUMNS[kind].find((d) => d.key === key)?.header ?? key;
}
