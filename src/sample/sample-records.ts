import {
  DisclosureClass,
  LicenceType,
  PenaltySeverity,
  RecordCategory,
  RecordStatus,
  type CreditRecord,
} from '../gen/credfed/v1/record.js';
import { Prng } from './prng.js';
import { sampleLegalPerson, sampleNaturalPerson } from './sample-subjects.js';

export interface SampleOptions {
  /** The origin platform's node id; also seeds the generator. */
  readonly originId: string;
  /** Division code used for the subjects' identifiers, e.g. "210100". */
  readonly divisionCode?: string;
  /** Index of the first record (records are a pure function of origin and index). */
  readonly start?: number;
  readonly count: number;
}

const AUTHORITIES = ['市场监督管理局', '生态环境局', '住房和城乡建设局', '税务局', '交通运输局'];

/**
 * Generates valid sample credit records, deterministically: record i of an
 * origin is always the same, so a second run with the same count changes
 * nothing and a larger count adds only new records. Used by `credfed up`,
 * the tests and the benchmarks.
 */
export function generateRecords(opts: SampleOptions): CreditRecord[] {
  const start = opts.start ?? 0;
  return Array.from({ length: opts.count }, (_, i) => sampleRecord(opts.originId, opts.divisionCode ?? '210100', start + i));
}

export function sampleRecord(originId: string, divisionCode: string, index: number): CreditRecord {
  const rng = new Prng(`${originId}#${index}`);
  const natural = rng.next() < 0.1;
  const subject = natural ? sampleNaturalPerson(rng, divisionCode) : sampleLegalPerson(rng, divisionCode);
  const decided = new Date(Date.UTC(2025, 0, 1) + rng.int(600) * 86_400_000);
  const decisionDate = decided.toISOString().slice(0, 10);
  const authority = { name: `${rng.pick(['沈阳市', '本溪市', '大连市'])}${rng.pick(AUTHORITIES)}`, uscc: '' };
  const base = {
    originId,
    recordId: `${originId}-${String(index).padStart(8, '0')}`,
    version: 1,
    subject,
    authority,
    decisionDate,
    reportedAt: { seconds: Math.floor(decided.getTime() / 1000) + 86_400 * (1 + rng.int(5)), nanos: 0 },
    publicity: undefined,
    disclosure: DisclosureClass.DISCLOSURE_CLASS_PUBLIC,
    status: RecordStatus.RECORD_STATUS_ACTIVE,
    dataSource: authority,
  };
  const roll = rng.next();
  if (roll < 0.55) {
    return {
      ...base,
      category: RecordCategory.RECORD_CATEGORY_ADMINISTRATIVE_LICENCE,
      details: {
        $case: 'licence',
        value: {
          decisionDocumentName: '准予行政许可决定书',
          decisionDocumentNumber: `许字〔${decided.getUTCFullYear()}〕${1000 + rng.int(9000)}号`,
          licenceType: LicenceType.LICENCE_TYPE_GENERAL,
          certificateName: '食品经营许可证',
          licenceNumber: `JY${rng.chars('0123456789', 14)}`,
          content: '预包装食品销售',
          validity: { from: decisionDate, to: `${decided.getUTCFullYear() + 5}${decisionDate.slice(4)}` },
          currentState: '有效',
        },
      },
    };
  }
  if (roll < 0.9) {
    const severity = rng.pick([PenaltySeverity.PENALTY_SEVERITY_MINOR, PenaltySeverity.PENALTY_SEVERITY_GENERAL, PenaltySeverity.PENALTY_SEVERITY_SERIOUS]);
    return {
      ...base,
      category: RecordCategory.RECORD_CATEGORY_ADMINISTRATIVE_PENALTY,
      details: {
        $case: 'penalty',
        value: {
          decisionNumber: `罚字〔${decided.getUTCFullYear()}〕${100 + rng.int(900)}号`,
          violationType: '违反安全生产管理规定',
          violationFacts: '未按规定开展安全检查',
          legalBasis: '《中华人民共和国安全生产法》',
          penaltyTypes: ['罚款'],
          content: '罚款',
          fineWanYuan: `${1 + rng.int(50)}.${rng.int(10)}`,
          confiscatedWanYuan: '0',
          suspendedLicences: '',
          severity,
        },
      },
    };
  }
  if (roll < 0.95) {
    return {
      ...base,
      category: RecordCategory.RECORD_CATEGORY_DISHONESTY_LIST,
      details: {
        $case: 'dishonestyList',
        value: { listName: '严重失信主体名单', legalBasis: '《失信行为纠正后的信用信息修复管理办法》', listedOn: decisionDate, removalDate: '', measures: ['限制参与招投标'] },
      },
    };
  }
  return {
    ...base,
    category: RecordCategory.RECORD_CATEGORY_CREDIT_EVALUATION,
    details: { $case: 'evaluation', value: { grade: rng.pick(['AAA', 'AA', 'A', 'BBB', 'BB']), scale: '三等九级', validTo: `${decided.getUTCFullYear() + 1}${decisionDate.slice(4)}` } },
  };
}
