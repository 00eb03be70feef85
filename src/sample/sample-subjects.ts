import { IdentifierScheme, SubjectKind, type Subject } from '../gen/credfed/v1/subject.js';
import { orgCheckChar, ricCheckChar, usccCheckChar } from '../core/ids/index.js';
import type { Prng } from './prng.js';

const BODY_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY'.replace(/[IOSVZ]/g, '');
const PLACES = ['沈阳', '本溪', '大连', '鞍山', '抚顺', '丹东', '锦州', '营口'];
const TRADES = ['科技', '建设', '贸易', '物流', '食品', '医药', '环保', '电子', '机械', '餐饮'];
const FORMS = ['有限公司', '股份有限公司', '有限责任公司'];
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄'];
const GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋'];

/** A legal person with a valid USCC whose embedded organisation code is also given. */
export function sampleLegalPerson(rng: Prng, divisionCode: string): Subject {
  const orgBody = rng.chars(BODY_ALPHABET, 8);
  const org = orgBody + orgCheckChar(orgBody);
  const body17 = `91${divisionCode}${org}`;
  const uscc = body17 + usccCheckChar(body17);
  return {
    kind: SubjectKind.SUBJECT_KIND_LEGAL_PERSON,
    name: `${rng.pick(PLACES)}${rng.pick(PLACES)}${rng.pick(TRADES)}${rng.pick(FORMS)}`,
    identifiers: [
      { scheme: IdentifierScheme.IDENTIFIER_SCHEME_USCC, value: uscc, masked: '' },
      { scheme: IdentifierScheme.IDENTIFIER_SCHEME_ORG_CODE, value: `${orgBody}-${org[8]}`, masked: '' },
    ],
    legalRepresentative: samplePersonName(rng),
  };
}

/** A natural person with a valid resident identity number. */
export function sampleNaturalPerson(rng: Prng, divisionCode: string): Subject {
  const year = 1950 + rng.int(55);
  const month = String(1 + rng.int(12)).padStart(2, '0');
  const day = String(1 + rng.int(28)).padStart(2, '0');
  const body17 = `${divisionCode}${year}${month}${day}${String(rng.int(1000)).padStart(3, '0')}`;
  return {
    kind: SubjectKind.SUBJECT_KIND_NATURAL_PERSON,
    name: samplePersonName(rng),
    identifiers: [{ scheme: IdentifierScheme.IDENTIFIER_SCHEME_RESIDENT_ID, value: body17 + ricCheckChar(body17), masked: '' }],
    legalRepresentative: '',
  };
}

function samplePersonName(rng: Prng): string {
  return rng.pick(SURNAMES) + rng.pick(GIVEN) + (rng.next() < 0.5 ? rng.pick(GIVEN) : '');
}
