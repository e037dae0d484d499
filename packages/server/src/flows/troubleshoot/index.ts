/**
 * "I can't get a code" (spec section 6): the troubleshooter's diagnosis, help requests, and the
 * admins' queue of them. Any flow that knows its user (sign-in, password reset) calls
 * `diagnose` and `requestHelp` with the tenant, the user and the client.
 */
import type { Kysely } from 'kysely';
import type { AuditLog } from '../../audit/audit-log.js';
import type { Courier } from '../../courier/courier.js';
import type { HelpRequestService } from '../../help-requests/help-request-service.js';
import type { Database } from '../../platform/db/schema.js';
import { type DiagnosisDeps, type DiagnosisInput, type DiagnosisResult, diagnose } from './diagnose.js';
import { type HelpQueue, helpQueue } from './help-queue.js';
import { type HelpRequestInput, type HelpRequestOutcome, requestHelp } from './request-help.js';

export interface TroubleshootDeps extends DiagnosisDeps {
  readonly db: Kysely<Database>;
  readonly audit: AuditLog;
  readonly helpRequests: HelpRequestService;
  readonly courier: Pick<Courier, 'enqueue'>;
  readonly publicUrl: string;
}

export interface Troubleshooter extends HelpQueue {
  diagnose(input: DiagnosisInput): Promise<DiagnosisResult>;
  requestHelp(input: HelpRequestInput): Promise<HelpRequestOutcome>;
}

export function createTroubleshooter(deps: TroubleshootDeps): Troubleshooter {
  return {
    diagnose: (input) => diagnose(deps, input),
    requestHelp: (input) => requestHelp(deps, input),
    ...helpQueue(deps),
  };
}

export type { DiagnosisInput, DiagnosisResult } from './diagnose.js';
export type { OfferedAction, QueuedHelpRequest } from './help-queue.js';
export type { HelpRequestInput, HelpRequestOutcome } from './request-help.js';
