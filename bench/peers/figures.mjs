// The peers' figures against Twofold's, from the same run (pure: no I/O).
import { ratio } from '../helpers.mjs';

/** The figures of one load phase kept in the report. */
function phaseFigures(r) {
  return {
    requests: r.requests,
    ok: r.ok,
    seconds: r.seconds,
    rps: r.rps,
    p50Ms: r.latency?.p50Ms,
    p99Ms: r.latency?.p99Ms,
    serverCpuMsPerAnswer: r.serverCpuMsPerAnswer,
  };
}

/**
 * Twofold ÷ the peer, per flow: by rate (`verify`, `signIn`; above 1 means Twofold is faster), and
 * by the server's CPU time per answer (`verifyCpu`, `signInCpu`: the peer's CPU ÷ Twofold's, which
 * holds steadier than rates when other work shares the machine).
 * @param {{ verify: { rps?: number, serverCpuMsPerAnswer?: number }, signIn: { rps?: number, serverCpuMsPerAnswer?: number } }} twofold
 * @param {{ verify: { rps?: number, serverCpuMsPerAnswer?: number }, signIn: { rps?: number, serverCpuMsPerAnswer?: number } }} peer
 */
export function peerRatios(twofold, peer) {
  return {
    verify: ratio(twofold.verify.rps, peer.verify.rps),
    signIn: ratio(twofold.signIn.rps, peer.signIn.rps),
    verifyCpu: ratio(peer.verify.serverCpuMsPerAnswer, twofold.verify.serverCpuMsPerAnswer),
    signInCpu: ratio(peer.signIn.serverCpuMsPerAnswer, twofold.signIn.serverCpuMsPerAnswer),
  };
}

/**
 * The `peers` and `peerRatios` of one database's result.
 * @param {{ verify: object, signIn: object }} twofold this database's summarized figures
 * @param {any} peer what measureBetterAuth returned
 */
export function peerFigures(twofold, peer) {
  const verify = phaseFigures(peer.verify);
  const signIn = phaseFigures(peer.signIn);
  const failures = Object.fromEntries(
    Object.entries({ verify: peer.verify, signIn: peer.signIn })
      .filter(([, r]) => r.failed > 0 || r.errors > 0)
      .map(([label, r]) => [label, { failed: r.failed, errors: r.errors, statuses: r.statuses }]),
  );
  return {
    peers: {
      betterAuth: {
        version: peer.version,
        users: peer.users,
        seedSeconds: peer.seedSeconds,
        passwordHash: peer.passwordHash,
        acceptsReplay: peer.acceptsReplay,
        verify,
        signIn,
        peakRssBytes: peer.peakRssBytes,
        failures,
      },
    },
    peerRatios: { betterAuth: peerRatios(twofold, { verify, signIn }) },
  };
}

/**
 * Across databases, the lowest of each peer ratio (the least favourable to Twofold).
 * @param {readonly { peerRatios?: Record<string, Record<string, number | undefined>> }[]} results
 */
export function lowestPeerRatios(results) {
  /** @type {Record<string, Record<string, number>>} */
  const lowest = {};
  for (const result of results)
    for (const [peer, ratios] of Object.entries(result.peerRatios ?? {}))
      for (const [key, value] of Object.entries(ratios)) {
        if (typeof value !== 'number') continue;
        lowest[peer] ??= {};
        lowest[peer][key] = Math.min(lowest[peer][key] ?? Number.POSITIVE_INFINITY, value);
      }
  return lowest;
}
