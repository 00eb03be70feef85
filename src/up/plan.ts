/** The shape of the local demo federation started by `credfed up`. */
export interface PlannedNode {
  readonly id: string;
  readonly role: string;
  /** Division code of the node's region, used for its sample subjects. */
  readonly divisionCode: string;
  readonly portOffset: number;
  /** Whether the node imports sample records of its own. */
  readonly imports: boolean;
  /** `divisions`: the division code prefixes the partner's platform covers (its verdicts are listed first for such subjects). */
  readonly partners: readonly { id: string; kind: string; push?: boolean; divisions?: readonly string[] }[];
  /** The node's data-sharing agreements (its configuration's `agreements`, seeded into its store on first start). */
  readonly agreements: readonly Record<string, unknown>[];
}

const ALL_PURPOSES = ['bidding_review', 'administrative_licensing', 'financing', 'public_service', 'joint_punishment'];
const VALID = { from: '2026-01-01', until: '2030-12-31' };

/** The counties push every record to their city; the city sends them nothing. */
const CITY_COUNTIES = {
  agreement: 'city-counties',
  title: '市县信用信息归集协议 (city and its counties)',
  parties: { groups: ['child_county'] },
  valid: VALID,
  directions: ['push'],
  categories: ['all'],
  disclosure: ['public', 'conditional', 'not_shared'],
};

/** 信用互认: the neighbour pushes its records and queries ours, for the stated purposes, within quotas. */
const CITY_NEIGHBOUR = {
  agreement: 'city-neighbour',
  title: '沈本信用互认合作协议 (mutual recognition with the neighbouring city)',
  parties: { partners: ['neighbour'] },
  valid: VALID,
  directions: ['push', 'query'],
  categories: ['all'],
  disclosure: ['public', 'conditional'],
  purposes: ALL_PURPOSES,
  quotas: { perMinute: 600, perDay: 100000 },
  fields: [{ field: 'subject.legal_representative', action: 'mask' }],
  personIds: 'masked',
  thirdParty: true,
};

/** A county or the neighbour: the city receives its records (pull) and may query it. */
function withCity(id: string): Record<string, unknown> {
  return {
    agreement: id,
    parties: { partners: ['city'] },
    valid: VALID,
    directions: ['pull', 'query'],
    categories: ['all'],
    disclosure: ['public', 'conditional'],
    purposes: ALL_PURPOSES,
  };
}

/** One city, two of its counties and one neighbouring city. */
export const LOCAL_FEDERATION: readonly PlannedNode[] = [
  {
    id: 'city',
    role: 'city platform (沈阳市)',
    divisionCode: '210100',
    portOffset: 0,
    imports: false,
    partners: [
      { id: 'county-a', kind: 'child_county', divisions: ['210112'] },
      { id: 'county-b', kind: 'child_county', divisions: ['210124'] },
      { id: 'neighbour', kind: 'peer_region', divisions: ['2105'] },
    ],
    agreements: [CITY_COUNTIES, CITY_NEIGHBOUR],
  },
  { id: 'county-a', role: 'county platform (浑南区)', divisionCode: '210112', portOffset: 1, imports: true, partners: [{ id: 'city', kind: 'parent_city' }], agreements: [withCity('county-a-city')] },
  { id: 'county-b', role: 'county platform (法库县)', divisionCode: '210124', portOffset: 2, imports: true, partners: [{ id: 'city', kind: 'parent_city' }], agreements: [withCity('county-b-city')] },
  {
    id: 'neighbour',
    role: 'neighbouring city (本溪市)',
    divisionCode: '210500',
    portOffset: 3,
    imports: true,
    partners: [{ id: 'city', kind: 'peer_region', push: true, divisions: ['2101'] }],
    agreements: [withCity('neighbour-city')],
  },
];
