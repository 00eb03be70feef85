/** Admin RPCs of the CA itself: publish a CRL, show the CA and its CRL state. */
import { caFacts } from '../../ca/ca-facts.js';
import { publishCrl, type PublishedCrl } from '../../ca/publish-crl.js';
import { CredfedError } from '../../core/errors.js';
import type * as pb from '../../gen/credfed/v1/admin.js';
import { getCa, revokedCertificates } from '../../store/repos/certificates-repo.js';
import { dateToTimestamp } from '../../store/repos/record-rows.js';
import { caContext, unlockGatewayCa, type AdminDeps } from './admin-deps.js';

/** Longest CRL lifetime PublishCrl accepts: one year (a CRL is re-issued long before). */
const MAX_CRL_VALID_SECONDS = 366 * 86_400;
/** Shortest: one hour. */
const MIN_CRL_VALID_SECONDS = 3_600;

export function crlMessage(crl: PublishedCrl): pb.Crl {
  return {
    number: crl.number.toString(),
    thisUpdate: dateToTimestamp(crl.thisUpdate),
    nextUpdate: dateToTimestamp(crl.nextUpdate),
    crlPem: crl.pem,
    revoked: crl.revoked,
  };
}

export function caHandlers(deps: AdminDeps) {
  return {
    async publishCrl(req: pb.PublishCrlRequest): Promise<pb.PublishCrlResponse> {
      const seconds = req.validSeconds;
      if (seconds !== 0 && (seconds < MIN_CRL_VALID_SECONDS || seconds > MAX_CRL_VALID_SECONDS)) {
        throw new CredfedError('ADMIN_REQUEST_INVALID', `valid_seconds must be 0 (7 days) or ${MIN_CRL_VALID_SECONDS} to ${MAX_CRL_VALID_SECONDS}`);
      }
      const unlocked = await unlockGatewayCa(deps);
      const crl = await publishCrl(caContext(deps), unlocked, seconds === 0 ? {} : { validMs: seconds * 1000 });
      return { crl: crlMessage(crl) };
    },

    async getCa(): Promise<pb.GetCaResponse> {
      const row = await getCa(deps.store);
      if (!row) throw new CredfedError('CA_NOT_FOUND', 'this node has no CA (credfed ca init)');
      const facts = caFacts(row);
      const revoked = facts.crl ? (await revokedCertificates(deps.store)).length : 0;
      return {
        federation: facts.federation,
        certPem: facts.certPem,
        subject: facts.subject,
        fingerprintSha256: facts.fingerprintSha256,
        notAfter: dateToTimestamp(new Date(facts.notAfter)),
        ...(facts.crl
          ? {
              crl: {
                number: facts.crl.number,
                thisUpdate: dateToTimestamp(new Date(facts.crl.thisUpdate)),
                nextUpdate: dateToTimestamp(new Date(facts.crl.nextUpdate)),
                crlPem: '',
                revoked,
              },
            }
          : {}),
      };
    },
  };
}
