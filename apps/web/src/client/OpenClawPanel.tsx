import { Activity, DatabaseBackup, KeyRound, LoaderCircle, type LucideIcon, RefreshCw, RotateCcw, Server, Smartphone } from "lucide-react";
import { type ReactNode, useEffect, useState } from "react";
import { api, type OpenClawOverview, type Part, type RuntimeStatus } from "./api.ts";
import { navigate } from "./router.ts";
import { ErrorLine } from "./ui/alert.tsx";
import { Badge } from "./ui/badge.tsx";
import { Button } from "./ui/button.tsx";
import { StackedErrorLine } from "./ui/stacked-error-line.tsx";

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

/** The page around every state of the panel: one h1, a line on what it is, the same width as the other pages. */
function Page({ children, onRefresh }: { children: ReactNode; onRefresh?: () => void }) {
  return (
    <section aria-label="OpenClaw" className="flex min-h-0 flex-1 flex-col overflow-y-auto">
      <div className="mx-auto w-full max-w-3xl px-4 py-6 md:px-8 md:py-10">
        <header className="flex items-start justify-between gap-4">
          <div>
            <h1 className="text-2xl font-semibold tracking-tight">OpenClaw</h1>
            <p className="mt-1 text-sm text-muted-foreground">
              Your hosted runtime. Actions go through your agent, so anything sensitive asks you first.
            </p>
          </div>
          {onRefresh ? (
            <Button variant="outline" size="sm" onClick={onRefresh}>
              <RefreshCw aria-hidden />
              Refresh
            </Button>
          ) : null}
        </header>
        <div className="mt-6">{children}</div>
      </div>
    </section>
  );
}

function Card({ label, title, icon: Icon, children }: { label: string; title: string; icon: LucideIcon; children: ReactNode }) {
  return (
    <article aria-label={label} className="flex flex-col gap-3 rounded-xl border bg-card p-4 text-sm text-card-foreground shadow-xs">
      <h2 className="flex items-center gap-2 text-sm font-semibold">
        <Icon aria-hidden className="size-4 text-muted-foreground" />
        {title}
      </h2>
      {children}
    </article>
  );
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
      <Page>
        <ErrorLine onRetry={load}>{error}</ErrorLine>
      </Page>
    );
  }
  if (!overview) {
    return (
      <Page>
        <p role="status" className="flex items-center gap-2 text-sm text-muted-foreground">
          <LoaderCircle aria-hidden className="size-4 animate-spin" />
          Reading your OpenClaw runtime…
        </p>
      </Page>
    );
  }
  if (!overview.configured) {
    return (
      <Page>
        <p className="text-sm text-muted-foreground">This deployment has no OpenClaw API configured.</p>
      </Page>
    );
  }
  // Unknown is never shown as empty: a part that failed says so; "no instance" only when the API said so.
  const instancePart = overview.instance;
  const instance = instancePart?.ok ? instancePart.data : null;
  const instanceKnown = instancePart?.ok === true;
  const devices = overview.devices;
  const failedChannels = overview.pairing.filter((entry) => entry.result && !entry.result.ok);
  const pairing = overview.pairing.flatMap((entry) =>
    entry.result?.ok ? entry.result.data.requests.map((request) => ({ ...request, channel: entry.channel })) : [],
  );

  return (
    <Page onRefresh={load}>
      <div className="grid gap-4 sm:grid-cols-2">
        <Card label="Instance" title="Instance" icon={Server}>
          {!instanceKnown ? (
            <Unreachable what="Your instance" part={instancePart} onRetry={load} />
          ) : instance ? (
            <p className="flex flex-wrap items-center gap-2">
              <Badge tone={instance.status === "ready" ? "success" : "warning"}>{instance.status}</Badge>
              {instance.runtime_name ? <span className="truncate">{instance.runtime_name}</span> : null}
            </p>
          ) : (
            <>
              <p className="text-muted-foreground">You have no OpenClaw instance yet.</p>
              <Button className="self-start" onClick={() => void ask("provision my OpenClaw instance")}>
                Provision…
              </Button>
            </>
          )}
          {overview.billing?.ok ? (
            <p className="text-muted-foreground">
              Balance:{" "}
              <span className="font-medium text-card-foreground tabular-nums">${overview.billing.data.balance_usd.toFixed(2)}</span>
            </p>
          ) : instanceKnown ? (
            <Unreachable what="Your balance" part={overview.billing} onRetry={load} />
          ) : null}
        </Card>
        {instance?.status === "ready" ? <RuntimeCard /> : null}
        {devices && !devices.ok ? (
          <Card label="Devices" title="Devices" icon={Smartphone}>
            <Unreachable what="Your devices" part={devices} onRetry={load} />
          </Card>
        ) : devices?.ok ? (
          <Card label="Devices" title="Devices" icon={Smartphone}>
            {devices.data.pending.length === 0 && devices.data.paired.length === 0 ? (
              <p className="text-muted-foreground">No devices.</p>
            ) : null}
            <ul className="flex flex-col divide-y">
              {devices.data.pending.map((device) => (
                <li key={device.requestId} className="flex items-center gap-2 py-2 first:pt-0 last:pb-0">
                  <span className="min-w-0 flex-1 truncate">{device.client?.platform ?? "device"}</span>
                  <Badge tone="warning">pending</Badge>
                  <Button variant="outline" size="sm" onClick={() => void ask(`approve device ${device.requestId}`)}>
                    Approve…
                  </Button>
                </li>
              ))}
              {devices.data.paired.map((device) => (
                <li key={device.deviceId} className="flex items-center gap-2 py-2 first:pt-0 last:pb-0">
                  <span className="min-w-0 flex-1 truncate">{device.client?.platform ?? "device"}</span>
                  <Badge tone="success">paired</Badge>
                </li>
              ))}
            </ul>
          </Card>
        ) : null}
        {instance?.status === "ready" ? (
          <Card label="Pairing requests" title="Pairing requests" icon={KeyRound}>
            {pairing.length === 0 && failedChannels.length === 0 ? (
              <p className="text-muted-foreground">No pending pairing requests.</p>
            ) : null}
            {pairing.length > 0 ? (
              <ul className="flex flex-col divide-y">
                {pairing.map((request) => (
                  <li key={`${request.channel}-${request.id}`} className="flex items-center gap-2 py-2 first:pt-0 last:pb-0">
                    <span className="min-w-0 flex-1 truncate">
                      {request.channel} · <code className="rounded bg-muted px-1 py-0.5 font-mono text-xs">{request.code}</code>
                    </span>
                    <Button
                      variant="outline"
                      size="sm"
                      onClick={() => void ask(`approve pairing code ${request.code} on ${request.channel}`)}
                    >
                      Approve…
                    </Button>
                  </li>
                ))}
              </ul>
            ) : null}
            {failedChannels.map((entry) => (
              <Unreachable key={entry.channel} what={`Pairing requests on ${entry.channel}`} part={entry.result} onRetry={load} />
            ))}
          </Card>
        ) : null}
      </div>
    </Page>
  );
}

/** A part of the overview the OpenClaw API did not answer: said as such, with Try again. */
function Unreachable({ what, part, onRetry }: { what: string; part: Part<unknown>; onRetry: () => void }) {
  const said = (part && !part.ok ? part.error.message : "No answer came back").replace(/[.\s]+$/, "");
  const reason = said.charAt(0).toUpperCase() + said.slice(1);
  const status = part && !part.ok && part.error.status && !reason.includes(String(part.error.status)) ? ` (HTTP ${part.error.status})` : "";
  return (
    <StackedErrorLine onRetry={onRetry}>
      {what} could not be checked: the OpenClaw API could not be reached. {reason}
      {status}.
    </StackedErrorLine>
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
    <Card label="Runtime status" title="Runtime" icon={Activity}>
      {status ? (
        <dl className="grid grid-cols-[max-content_1fr] items-center gap-x-4 gap-y-1.5">
          <dt className="text-muted-foreground">Gateway</dt>
          <dd>
            <Badge tone={status.gateway.status === "running" ? "success" : "warning"}>{status.gateway.status}</Badge>
          </dd>
          <dt className="text-muted-foreground">Machine</dt>
          <dd className="min-w-0 truncate">
            {status.container.instanceType} · clawdbot {status.version.clawdbot}
          </dd>
          <dt className="text-muted-foreground">Last backup</dt>
          <dd>{status.lastBackup ? new Date(status.lastBackup).toLocaleString() : "never"}</dd>
        </dl>
      ) : (
        <p className="text-muted-foreground">Gateway status not checked. Checking it starts the gateway if it is stopped.</p>
      )}
      {checkedAt ? <p className="text-xs text-muted-foreground">Checked at {checkedAt.toLocaleTimeString()}</p> : null}
      {error ? <ErrorLine>{error}</ErrorLine> : null}
      <div className="mt-auto flex flex-wrap gap-2">
        <Button variant="outline" size="sm" onClick={check} disabled={busy}>
          {busy ? <LoaderCircle aria-hidden className="animate-spin" /> : <Activity aria-hidden />}
          {busy ? "Checking…" : status ? "Check again" : "Check gateway status"}
        </Button>
        <Button variant="outline" size="sm" onClick={() => void ask("back up my OpenClaw now")}>
          <DatabaseBackup aria-hidden />
          Back up
        </Button>
        <Button
          variant="outline"
          size="sm"
          className="text-destructive-text hover:text-destructive-text"
          onClick={() => void ask("restart my OpenClaw")}
        >
          <RotateCcw aria-hidden />
          Restart…
        </Button>
      </div>
    </Card>
  );
}
