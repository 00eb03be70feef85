/** Records of chosen category, disclosure class, status and origin, for agreement tests. */
import { DisclosureClass, RecordCategory, RecordStatus, type CreditRecord } from '../../src/gen/credfed/v1/record.js';
import { IdentifierScheme, SubjectKind, type Subject } from '../../src/gen/credfed/v1/subject.js';
import { shanghaiDate } from '../../src/core/lifecycle/publicity.js';
import { sampleRecord } from '../../src/sample/sample-records.js';

export type Kind = 'licence' | 'penalty' | 'dishonesty';

export interface RecordSpec {
  readonly origin: string;
  readonly id: string;
  readonly kind: Kind;
  readonly disclosure?: 'public' | 'conditional' | 'not_shared';
  readonly status?: 'active' | 'disputed' | 'revoked';
}

const DISCLOSURE = { public: DisclosureClass.DISCLOSURE_CLASS_PUBLIC, conditional: DisclosureClass.DISCLOSURE_CLASS_CONDITIONAL, not_shared: DisclosureClass.DISCLOSURE_CLASS_NOT_SHARED };
const STATUS = { active: RecordStatus.RECORD_STATUS_ACTIVE, disputed: RecordStatus.RECORD_STATUS_DISPUTED, revoked: RecordStatus.RECORD_STATUS_REVOKED };

/** An enterprise named by its USCC, with a legal representative. */
export function enterprise(name: string, uscc: string, legalRepresentative = '王大明'): Subject {
  return { kind: SubjectKind.SUBJECT_KIND_LEGAL_PERSON, name, identifiers: [{ scheme: IdentifierScheme.IDENTIFIER_SCHEME_USCC, value: uscc, masked: '' }], legalRepresentative };
}

/** A natural person named by a clear resident identity number (pseudonymised at import). */
export function person(name: string, ric: string): Subject {
  return { kind: SubjectKind.SUBJECT_KIND_NATURAL_PERSON, name, identifiers: [{ scheme: IdentifierScheme.IDENTIFIER_SCHEME_RESIDENT_ID, value: ric, masked: '' }], legalRepresentative: '' };
}

/** A week before today (Asia/Shanghai): no record made here is past its publicity, whatever day the tests run. */
const decidedLately = () => shanghaiDate(Date.now() - 7 * 86_400_000);

export function recordOf(subject: Subject, spec: RecordSpec): CreditRecord {
  const base = {
    ...sampleRecord(spec.origin, '210100', 0),
    recordId: spec.id,
    subject,
    decisionDate: decidedLately(),
    disclosure: DISCLOSURE[spec.disclosure ?? 'public'],
    status: STATUS[spec.status ?? 'active'],
  };
  switch (spec.kind) {
    case 'licence':
      return {
        ...base,
        category: RecordCategory.RECORD_CATEGORY_ADMINISTRATIVE_LICENCE,
        details: { $case: 'licence', value: { decisionDocumentName: '准予行政许可决定书', decisionDocumentNumber: `许字${spec.id}`, licenceType: 1, certificateName: '食品经营许可证', licenceNumber: `JY${spec.id}`, content: '预包装食品销售', validity: undefined, currentState: '有效' } },
      };
    case 'penalty':
      return {
        ...base,
        category: RecordCategory.RECORD_CATEGORY_ADMINISTRATIVE_PENALTY,
        details: {
          $case: 'penalty',
          value: { decisionNumber: `罚字${spec.id}`, violationType: '违反安全生产管理规定', violationFacts: '未按规定开展安全检查', legalBasis: '《安全生产法》', penaltyTypes: ['罚款'], content: '罚款', fineWanYuan: '1.5', confiscatedWanYuan: '0', suspendedLicences: '', severity: 2 },
        },
      };
    case 'dishonesty':
      return {
        ...base,
        category: RecordCategory.RECORD_CATEGORY_DISHONESTY_LIST,
        details: { $case: 'dishonestyList', value: { listName: '严重失信主体名单', legalBasis: '《信用修复管理办法》', listedOn: base.decisionDate, removalDate: '', measures: ['限制参与招投标'] } },
      };
  }
}
