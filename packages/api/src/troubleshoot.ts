/**
 * "I can't get a code" (spec section 6): the troubleshooter's diagnosis of a sign-in (or password
 * reset) flow, help requests from it, and the admins' queue of them. Shared by the server (which
 * validates with these schemas and publishes them as OpenAPI) and the pages.
 */
import { type Static, Type } from '@sinclair/typebox';
import { DateTime, type Frozen, Id, NullableDateTime, Slug, strict } from './common.js';

/** Public finding codes, in the order the troubleshooter shows them (the most blocking first). */
export const findingCodes = [
  'locked_out',
  'no_method',
  'method_not_allowed',
  'clock_ahead',
  'clock_behind',
  'push_blocked',
  'send_limit',
] as const;
export type FindingCode = (typeof findingCodes)[number];

/** A device clock is reported as wrong from this far off: beyond it, codes fall out of the ±1 step window. */
export const clockFindingThresholdSeconds = 30;

export const DiagnosisQuery = Type.Object(
  {
    deviceTime: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 8_640_000_000_000_000,
        description: "The browser's clock (Date.now(), milliseconds since the epoch) when it asked",
      }),
    ),
  },
  strict,
);

const MethodRef = Type.Object({ id: Type.String(), type: Type.String(), label: Type.String() });

export const Finding = Type.Union([
  Type.Object({
    code: Type.Union([Type.Literal('clock_ahead'), Type.Literal('clock_behind')]),
    offsetSeconds: Type.Integer({ description: 'How far the device clock is off; positive when ahead' }),
    source: Type.Union([Type.Literal('codes'), Type.Literal('device_time')], {
      description:
        "codes: measured from the user's recent codes; device_time: the browser's clock against the server's",
    }),
    methodId: Type.Optional(Type.String({ description: 'codes: the method whose codes showed it' })),
  }),
  Type.Object({
    code: Type.Literal('locked_out'),
    retryAfter: Type.Optional(
      Type.Integer({ description: 'Seconds until the lock ends (absent: an admin must unlock)' }),
    ),
    adminRequired: Type.Boolean(),
  }),
  Type.Object({ code: Type.Literal('no_method') }),
  Type.Object({
    code: Type.Literal('method_not_allowed'),
    methods: Type.Array(MethodRef, { description: 'The methods the policy no longer allows' }),
  }),
  Type.Object({ code: Type.Literal('push_blocked') }),
  Type.Object({
    code: Type.Literal('send_limit'),
    methodId: Type.String({ description: 'The entry id of the SMS or email method' }),
    type: Type.String(),
    retryAfter: Type.Integer({ description: 'Seconds until a code can be sent to it again' }),
  }),
]);

export const DiagnosisOption = Type.Union([
  Type.Object({
    code: Type.Literal('another_method'),
    methodId: Type.String({ description: 'The entry id to challenge and verify with' }),
    type: Type.String(),
    label: Type.String(),
    availableIn: Type.Optional(Type.Integer({ description: 'Seconds before it can send a code' })),
  }),
  Type.Object({
    code: Type.Literal('recovery_code'),
    methodId: Type.String(),
    remaining: Type.Integer(),
  }),
  Type.Object({
    code: Type.Literal('fix_clock'),
    offsetSeconds: Type.Integer(),
  }),
  Type.Object({ code: Type.Literal('wait'), retryAfter: Type.Integer() }),
  Type.Object({ code: Type.Literal('help_request') }),
  Type.Object({
    code: Type.Literal('operator_recovery'),
    command: Type.String({ description: 'What the operator runs on the host' }),
  }),
]);

export const DiagnosisResponse = Type.Object({
  findings: Type.Array(Finding),
  options: Type.Array(DiagnosisOption),
  serverTime: DateTime,
});

export const HelpRequestBody = Type.Object(
  {
    message: Type.Optional(Type.String({ maxLength: 1000 })),
    contact: Type.Optional(
      Type.String({
        maxLength: 200,
        description: 'How the helpdesk can reach the user (a phone number, another address)',
      }),
    ),
  },
  strict,
);

export const HelpRequestReceived = Type.Object({
  status: Type.Literal('received'),
  operatorRecovery: Type.Optional(
    Type.Object({
      command: Type.String({ description: 'The sole global admin: what the operator runs on the host' }),
    }),
  ),
});

export const HelpRequestParams = Type.Object({ tenant: Slug, id: Id });

export const HelpRequestListQuery = Type.Object(
  {
    status: Type.Optional(
      Type.Union([Type.Literal('open'), Type.Literal('resolved'), Type.Literal('all')], { default: 'open' }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  },
  strict,
);

export const ResolveHelpRequestBody = Type.Object(
  { resolution: Type.String({ minLength: 1, maxLength: 500 }) },
  strict,
);

/** A one-click action the console offers for a request: the admin route it calls, allowed to the caller. */
export const HelpRequestAction = Type.Object({
  action: Type.Union([
    Type.Literal('issue_pass'),
    Type.Literal('require_reregistration'),
    Type.Literal('unlock'),
    Type.Literal('clear_push_block'),
    Type.Literal('reset_drift'),
  ]),
  method: Type.Literal('POST'),
  path: Type.String({ description: 'Under /t/{tenant}/api/v1' }),
  methodId: Type.Optional(Type.String()),
});

export const HelpRequestJson = Type.Object({
  id: Type.String(),
  status: Type.Union([Type.Literal('open'), Type.Literal('resolved')]),
  user: Type.Object({ id: Type.String(), email: Type.String(), displayName: Type.String() }),
  message: Type.Union([Type.String(), Type.Null()]),
  contact: Type.Union([Type.String(), Type.Null()]),
  createdAt: DateTime,
  /** The findings when the user asked. */
  findingsAtRequest: Type.Array(Finding),
  /** Open requests: the diagnosis now (without the browser's clock). */
  diagnosis: Type.Optional(DiagnosisResponse),
  actions: Type.Array(HelpRequestAction),
  resolution: Type.Union([Type.String(), Type.Null()]),
  resolvedAt: NullableDateTime,
  resolvedBy: Type.Union([Type.String(), Type.Null()]),
});

export const HelpRequestList = Type.Object({ helpRequests: Type.Array(HelpRequestJson) });

export type Diagnosis = Frozen<Static<typeof DiagnosisResponse>>;
export type DiagnosisFinding = Frozen<Static<typeof Finding>>;
export type DiagnosisChoice = Frozen<Static<typeof DiagnosisOption>>;
export type HelpRequestView = Frozen<Static<typeof HelpRequestJson>>;
export type HelpRequestAnswer = Frozen<Static<typeof HelpRequestReceived>>;
