import { useEffect, useState } from "react";
import { api, type OpenClawOverview, type Part, type RuntimeStatus } from "./api.ts";
import { navigate } from "./router.ts";

/** The OpenClaw thread: the one thread of kind `openclaw`, created on first use. */
async function openclawThread(): Promise<string> {
  const page = await api.threads({ kind: "openclaw", limit: "1" });
  if (page.threads[0]) return page.threads[0].id;
  return (await api.createThread("openclaw", "OpenClaw")).threadId;
}

/** Actions are requests to the agent, in the OpenClaw thread, so they pass its approvals. */
async function ask(text: string): Promise<void> {
  const threadId = await openclawThread();
  navigate(`/t/${threadId}`, { send: text });
}

export function OpenClawPanel() {
  const [overview, setOverview] = useState<OpenClawOverview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = () => {
    setError(null);
    setOverview(null);
    api.openclaw().then(setOverview, (failure: Error) => setError(failure.message));
  };
  useEffect(load, []);

  if (error) {
    return (
      <section className="page">
        <h2>OpenClaw</h2>
        <p role="alert" className="error">
          {error}
        </p>
        <button onClick={load}>Try again</button>
      </section>
    );
  }
  if (!overview) return <div className="splash">Reading your OpenClaw runtime…</div>;
  if (!overview.configured) {
    return (
      <section className="page">
        <h2>OpenClaw</h2>
        <p className="muted">This deployment has no OpenClaw API configured.</p>
      </section>
    );
  }
  // Unknown is never shown as empty: a part that failed says so; "no instance" only when the API said so.
  const instancePart = overview.instance;
  const instance = instancePart?.ok ? instancePart.data : null;
  const instanceKnown = instancePart?.ok === true;
  const devices = overview.devices;
  const failedChannels = overview.pairing.filter((entry) => entry.result && !entry.result.ok);
  const pairing = overview.pairing.flatMap((entry) => (entry.result?.ok ? entry.result.data.requests.map((request) => ({ ...request, channel: entry.channel })) : []));

  return (
    <section className="page openclaw" aria-label="OpenClaw">
      <header className="page-head">
        <h2>OpenClaw</h2>
        <button onClick={load}>Refresh</button>
      </header>
      <div className="cards">
        <article className="card" aria-label="Instance">
          <h3>Instance</h3>
          {!instanceKnown ? (
            <Unreachable what="Your instance" part={instancePart} onRetry={load} />
          ) : instance ? (
            <p>
              <span className={`badge ${instance.status === "ready" ? "ok" : "warn"}`}>{instance.status}</span> {instance.runtime_name ?? ""}
            </p>
          ) : (
            <>
              <p className="muted">You have no OpenClaw instance yet.</p>
              <button className="primary" onClick={() => ask("provision my OpenClaw instance")}>
                Provision…
              </button>
            </>
          )}
          {overview.billing?.ok ? (
            <p className="muted">Balance: ${overview.billing.data.balance_usd.toFixed(2)}</p>
          ) : instanceKnown ? (
            <Unreachable what="Your balance" part={overview.billing} onRetry={load} />
          ) : null}
        </article>
        {instance?.status === "ready" ? <RuntimeCard /> : null}
        {devices && !devices.ok ? (
          <article className="card" aria-label="Devices">
            <h3>Devices</h3>
            <Unreachable what="Your devices" part={devices} onRetry={load} />
          </article>
        ) : devices?.ok ? (
          <article className="card" aria-label="Devices">
            <h3>Devices</h3>
            {devices.data.pending.length === 0 && devices.data.paired.length === 0 ? <p className="muted">No devices.</p> : null}
            <ul>
              {devices.data.pending.map((device) => (
                <li key={device.requestId}>
                  {device.client?.platform ?? "device"} <span className="badge warn">pending</span>{" "}
                  <button onClick={() => ask(`approve device ${device.requestId}`)}>Approve…</button>
                </li>
              ))}
              {devices.data.paired.map((device) => (
                <li key={device.deviceId}>
                  {device.client?.platform ?? "device"} <span className="badge ok">paired</span>
                </li>
              ))}
            </ul>
          </article>
        ) : null}
        {instance?.status === "ready" ? (
          <article className="card" aria-label="Pairing requests">
            <h3>Pairing requests</h3>
            {pairing.length === 0 && failedChannels.length === 0 ? <p className="muted">No pending pairing requests.</p> : null}
            <ul>
              {pairing.map((request) => (
                <li key={`${request.channel}-${request.id}`}>
                  {request.channel} · <code>{request.code}</code>{" "}
                  <button onClick={() => ask(`approve pairing code ${request.code} on ${request.channel}`)}>Approve…</button>
                </li>
              ))}
            </ul>
            {failedChannels.map((entry) => (
              <Unreachable key={entry.channel} what={`Pairing requests on ${entry.channel}`} part={entry.result} onRetry={load} />
            ))}
          </article>
        ) : null}
      </div>
    </section>
  );
}

/** A part of the overview the OpenClaw API did not answer: said as such, with Try again. */
function Unreachable({ what, part, onRetry }: { what: string; part: Part<unknown>; onRetry: () => void }) {
  const said = (part && !part.ok ? part.error.message : "No answer came back").replace(/[.\s]+$/, "");
  const reason = said.charAt(0).toUpperCase() + said.slice(1);
  const status = part && !part.ok && part.error.status && !reason.includes(String(part.error.status)) ? ` (HTTP ${part.error.status})` : "";
  return (
    <div className="unreachable" role="alert">
      <p className="error">
        {what} could not be checked: the OpenClaw API could not be reached. {reason}
        {status}.
      </p>
      <button onClick={onRetry}>Try again</button>
    </div>
  );
}

/**
 * The gateway's status is not read on its own: under the OpenClaw API reading it starts a stopped
 * gateway, so the panel asks first and reads it only when the user presses the button.
 */
function RuntimeCard() {
  const [status, setStatus] = useState<RuntimeStatus | null>(null);
  const [checkedAt, setCheckedAt] = useState<Date | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const check = async () => {
    setBusy(true);
    setError(null);
    try {
      const answer = await api.openclawStatus();
      if (answer.status?.ok) {
        setStatus(answer.status.data);
        setCheckedAt(new Date());
      } else setError(answer.status ? answer.status.error.message : "This deployment has no OpenClaw API configured.");
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <article className="card" aria-label="Runtime status">
      <h3>Runtime</h3>
      {status ? (
        <>
          <p>
            Gateway <span className={`badge ${status.gateway.status === "running" ? "ok" : "warn"}`}>{status.gateway.status}</span>
          </p>
          <p className="muted">
            {status.container.instanceType} · clawdbot {status.version.clawdbot}
          </p>
          <p className="muted">Last backup: {status.lastBackup ? new Date(status.lastBackup).toLocaleString() : "never"}</p>
          {checkedAt ? <p className="muted">Checked at {checkedAt.toLocaleTimeString()}</p> : null}
        </>
      ) : (
        <p className="muted">Gateway status not checked. Checking it starts the gateway if it is stopped.</p>
      )}
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
      <div className="row">
        <button onClick={check} disabled={busy}>
          {busy ? "Checking…" : status ? "Check again" : "Check gateway status"}
        </button>
        <button onClick={() => ask("back up my OpenClaw now")}>Back up</button>
        <button className="danger" onClick={() => ask("restart my OpenClaw")}>
          Restart…
        </button>
      </div>
    </article>
  );
}
