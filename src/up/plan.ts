/** The shape of the local demo federation started by `credfed up`. */
export interface PlannedNode {
  readonly id: string;
  readonly role: string;
  /** Division code of the node's region, used for its sample subjects. */
  readonly divisionCode: string;
  readonly portOffset: number;
  /** Whether the node imports sample records of its own. */
  readonly imports: boolean;
  readonly partners: readonly { id: string; kind: string; push?: boolean }[];
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
      { id: 'county-a', kind: 'child_county' },
      { id: 'county-b', kind: 'child_county' },
      { id: 'neighbour', kind: 'peer_region' },
    ],
  },
  { id: 'county-a', role: 'county platform (浑南区)', divisionCode: '210112', portOffset: 1, imports: true, partners: [{ id: 'city', kind: 'parent_city' }] },
  { id: 'county-b', role: 'county platform (法库县)', divisionCode: '210124', portOffset: 2, imports: true, partners: [{ id: 'city', kind: 'parent_city' }] },
  {
    id: 'neighbour',
    role: 'neighbouring city (本溪市)',
    divisionCode: '210500',
    portOffset: 3,
    imports: true,
    partners: [{ id: 'city', kind: 'peer_region', push: true }],
  },
];
