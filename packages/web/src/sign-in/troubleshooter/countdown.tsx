import { useEffect, useState } from 'preact/hooks';
import { t } from '../../i18n/i18n.js';
import { formatCountdown, secondsLeft } from '../../shared/sent-codes.js';

/**
 * Time left until `until` (ms), as a clock that ticks every second. The ticking is not announced (a timer
 * is not a live region), only the start ("You can try again in 15 minutes, at 10:42") and the end.
 */
export function Countdown(props: { until: number; startLine: string; onOver: () => void }) {
  const [now, setNow] = useState(() => Date.now());
  const left = secondsLeft(props.until, now);
  useEffect(() => {
    if (left <= 0) {
      props.onOver();
      return;
    }
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [left <= 0]);
  return (
    <>
      <p class="status" role="status">
        {left > 0 ? props.startLine : t('troubleshooter.wait.over')}
      </p>
      {left > 0 ? (
        <p class="countdown">
          <span class="muted">{t('troubleshooter.wait.timeLeft')} </span>
          <span role="timer" aria-live="off" aria-atomic="true" class="countdown-value">
            {formatCountdown(left)}
          </span>
        </p>
      ) : null}
    </>
  );
}
