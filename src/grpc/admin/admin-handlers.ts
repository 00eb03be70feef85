/**
 * The Admin service implementation: one handler per RPC (partner-, certificate-,
 * ca-, anchor-, identifier-, agreement-, recognize- and record-handlers.ts), each behind the `unary(gate, 'admin', …)` wrapper,
 * so only admin certificates of this federation may call (a partner
 * certificate → PERMISSION_DENIED / PEER_NOT_ALLOWED).
 */
import type { AdminServer } from '../../gen/credfed/v1/admin.js';
import { purposeName } from '../../core/agreements/evaluate.js';
import { NO_PERSON_KEYS } from '../../persons/persons-protection.js';
import { watchFeedHandler } from '../federation/subscribe-handler.js';
import { serverStream, unary, type CallContext, type Gatekeeper } from '../rpc-wrapper.js';
import type { AdminDeps } from './admin-deps.js';
import { agreementHandlers } from './agreement-handlers.js';
import { anchorHandlers } from './anchor-handlers.js';
import { caHandlers } from './ca-handlers.js';
import { certificateHandlers } from './certificate-handlers.js';
import { identifierHandlers } from './identifier-handlers.js';
import { partnerHandlers } from './partner-handlers.js';
import { adminRecognizeHandlers } from './recognize-handlers.js';
import { objectionHandlers } from './objection-handlers.js';
import { recordHandlers } from './record-handlers.js';

export type { AdminDeps } from './admin-deps.js';

export function adminService(gate: Gatekeeper, deps: AdminDeps): AdminServer {
  const partners = partnerHandlers(deps);
  const certs = certificateHandlers(deps);
  const ca = caHandlers(deps);
  const anchors = anchorHandlers(deps);
  const ids = identifierHandlers(deps);
  const agreements = agreementHandlers(deps);
  const recognition = adminRecognizeHandlers(deps.recognizer);
  const records = recordHandlers(deps);
  const objections = objectionHandlers({ ...deps, ...(deps.notifyUpstream ? { notify: deps.notifyUpstream } : {}) });
  // The stated purpose and reference go into the audit entry (admins have no agreement to check them against).
  const stated = (req: { purpose: number; reference: string }) => ({ purpose: purposeName(req.purpose), reference: req.reference });
  const admin = <Req, Res>(method: string, handler: (req: Req, ctx: CallContext) => Promise<Res>) => unary<Req, Res>(gate, 'admin', method, handler);
  return {
    status: admin('Status', () => deps.status()),
    listPartners: admin('ListPartners', partners.listPartners),
    getPartner: admin('GetPartner', partners.getPartner),
    addPartner: admin('AddPartner', partners.addPartner),
    updatePartner: admin('UpdatePartner', partners.updatePartner),
    suspendPartner: admin('SuspendPartner', partners.suspendPartner),
    resumePartner: admin('ResumePartner', partners.resumePartner),
    listCertificates: admin('ListCertificates', certs.listCertificates),
    issueCertificate: admin('IssueCertificate', certs.issueCertificate),
    renewCertificate: admin('RenewCertificate', certs.renewCertificate),
    revokeCertificate: admin('RevokeCertificate', certs.revokeCertificate),
    publishCrl: admin('PublishCrl', ca.publishCrl),
    getCa: admin('GetCa', ca.getCa),
    importTrustAnchor: admin('ImportTrustAnchor', anchors.importTrustAnchor),
    importCrl: admin('ImportCrl', anchors.importCrl),
    listTrustAnchors: admin('ListTrustAnchors', anchors.listTrustAnchors),
    resolveIdentifier: admin('ResolveIdentifier', ids.resolveIdentifier),
    listIdentifierConflicts: admin('ListIdentifierConflicts', ids.listIdentifierConflicts),
    decideIdentifierConflict: admin('DecideIdentifierConflict', ids.decideIdentifierConflict),
    putAgreement: admin('PutAgreement', agreements.putAgreement),
    getAgreement: admin('GetAgreement', agreements.getAgreement),
    listAgreementHistory: admin('ListAgreementHistory', agreements.listAgreementHistory),
    diffAgreement: admin('DiffAgreement', agreements.diffAgreement),
    activateAgreement: admin('ActivateAgreement', agreements.activateAgreement),
    recognize: unary(gate, 'admin', 'Recognize', recognition.recognize, { purposeOf: stated }),
    recognizeBatch: unary(gate, 'admin', 'RecognizeBatch', recognition.recognizeBatch, { purposeOf: stated }),
    changeRecordStatus: admin('ChangeRecordStatus', records.changeRecordStatus),
    fileObjection: admin('FileObjection', objections.fileObjection),
    listObjections: admin('ListObjections', objections.listObjections),
    resolveObjection: admin('ResolveObjection', objections.resolveObjection),
    reportFeedback: admin('ReportFeedback', objections.reportFeedback),
    listFeedback: admin('ListFeedback', objections.listFeedback),
    watchFeed: serverStream(gate, 'admin', 'WatchFeed', watchFeedHandler({ ...deps, persons: deps.persons ?? NO_PERSON_KEYS })),
  };
}
