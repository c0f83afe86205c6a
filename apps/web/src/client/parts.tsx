import { toolLabel, type Approval, type Job, type JobProgressData } from "@oa/protocol";
import type { DataMessagePartProps, ToolCallMessagePartProps } from "@assistant-ui/react";
import { MarkdownTextPrimitive } from "@assistant-ui/react-markdown";
import { createContext, useContext, useState } from "react";

/** Server-side facts the chat stream does not carry: approval records and jobs, by id. */
export type ThreadExtras = { approvals: Map<string, Approval>; jobs: Map<string, Job> };
export const ThreadExtrasContext = createContext<ThreadExtras>({ approvals: new Map(), jobs: new Map() });

/**
 * Markdown without raw HTML (react-markdown escapes it), links opened safely, and images as plain
 * links: the model's and tools' text may carry `![](https://elsewhere/?secret)`, and an <img>
 * would fetch it on render (a beacon). Nothing is loaded unless the user follows the link.
 */
export function MarkdownText() {
  return (
    <MarkdownTextPrimitive
      className="markdown"
      components={{
        a: ({ node: _node, ...props }) => <a {...props} target="_blank" rel="noopener noreferrer nofollow" />,
        img: ({ src, alt }) => (
          <a href={typeof src === "string" ? src : undefined} className="image-link" target="_blank" rel="noopener noreferrer nofollow" data-testid="image-link">
            {alt || (typeof src === "string" ? src : "image")}
          </a>
        ),
      }}
    />
  );
}

function short(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value, null, 1);
  return text && text.length > 2000 ? `${text.slice(0, 2000)}…` : (text ?? "");
}

/** The sentence a result carries for people (`message`, or an error's text), if any. */
function humanLine(result: unknown): string | null {
  if (typeof result === "string") return result;
  if (result && typeof result === "object") {
    const { message, error } = result as { message?: unknown; error?: unknown };
    if (typeof message === "string" && message.trim()) return message;
    if (typeof error === "string" && error.trim()) return error;
  }
  return null;
}

/** Raw arguments and result, for whoever wants them: never the first thing shown. */
function Details({ args, result }: { args: unknown; result: unknown }) {
  const hasArgs = args !== undefined && args !== null && Object.keys(args as object).length > 0;
  if (!hasArgs && result === undefined) return null;
  return (
    <details className="tool-details">
      <summary>Details</summary>
      {hasArgs ? <pre className="tool-args">{short(args)}</pre> : null}
      {result !== undefined ? <pre className="tool-result">{short(result)}</pre> : null}
    </details>
  );
}

/** Every tool call: what it did in words, and for a gated one the approval card. */
export function ToolCard(props: ToolCallMessagePartProps) {
  const { toolName, args, result, isError, approval, status } = props;
  const label = toolLabel(toolName);
  if (approval) return <ApprovalCard {...props} label={label} />;
  const running = status.type === "running";
  const line = result !== undefined ? humanLine(result) : null;
  const state = running ? "running" : isError ? "failed" : result !== undefined ? "done" : "pending";
  return (
    <div className={`tool-card tool-${state}`} data-testid="tool-card" data-status={state}>
      <p className="tool-line">
        <span className="tool-name">{label}</span>
        <span className="muted">{running ? " · working…" : isError ? " · failed" : result !== undefined ? " · done" : ""}</span>
      </p>
      {line ? <p className={`tool-message ${isError ? "error" : ""}`}>{line}</p> : null}
      <Details args={args} result={result} />
    </div>
  );
}

/** What exactly is asked, as `name: value` pairs: a pending card must show it before anyone decides. */
function ArgsLine({ args }: { args: unknown }) {
  const entries = args && typeof args === "object" ? Object.entries(args as Record<string, unknown>) : [];
  if (entries.length === 0) return null;
  return (
    <p className="tool-args-line">
      {entries.map(([name, value], index) => (
        <span key={name}>
          {index > 0 ? " · " : ""}
          {name}: <code>{typeof value === "string" ? value : JSON.stringify(value)}</code>
        </span>
      ))}
    </p>
  );
}

/** The exact OpenClaw API request approving allows (the only one the agent may then send). */
function BoundRequestLine({ request }: { request: Approval["request"] }) {
  if (!request) return <p className="muted bound-request">No exact request was recorded; this approval can no longer run.</p>;
  return (
    <p className="bound-request" data-testid="bound-request">
      OpenClaw API request: <code>{`${request.method} ${request.path}`}</code>
      {request.bodyHash ? <span className="muted"> with the arguments below</span> : null}
    </p>
  );
}

type JobView = Pick<Job, "status" | "progress" | "message"> & { error?: string | null };

/**
 * The job a gated tool started: the thread's job list has its newest state; the tool's result
 * (`{ job }`) names it and says how it stood when the tool answered; before either, the
 * tool-call id is the job's key. A started job is never mistaken for a finished call.
 */
function jobOf(jobs: Map<string, Job>, toolCallId: string, result: unknown): JobView | null {
  const started = (result as { job?: Partial<JobProgressData> } | undefined)?.job;
  if (started && typeof started.id === "string") {
    const known = jobs.get(started.id);
    if (known) return known;
    if (typeof started.status === "string") return { status: started.status, progress: started.progress ?? 0, message: started.message ?? null };
  }
  for (const job of jobs.values()) if (job.idempotencyKey === toolCallId) return job;
  return null;
}

type CardStatus = "pending" | "approved" | "rejected" | "expired" | "superseded";

/** What happened to an approved call: running (with its job's progress), done, or failed. */
function outcomeOf(job: JobView | null, result: unknown, isError: boolean | undefined): { text: string; state: "running" | "done" | "failed" } {
  if (job) {
    const percent = `${Math.round(job.progress * 100)}%`;
    if (job.status === "succeeded") return { text: `done${job.message ? ` — ${job.message}` : ""}`, state: "done" };
    if (job.status === "failed") return { text: `failed — ${job.error ?? job.message ?? "the job did not finish"}`, state: "failed" };
    if (job.status === "cancelled") return { text: "cancelled", state: "failed" };
    return { text: `running ${percent}${job.message ? ` — ${job.message}` : ""}`, state: "running" };
  }
  if (result === undefined && !isError) return { text: "running…", state: "running" };
  if (isError) return { text: `failed${humanLine(result) ? ` — ${humanLine(result)}` : ""}`, state: "failed" };
  return { text: `done${humanLine(result) ? ` — ${humanLine(result)}` : ""}`, state: "done" };
}

function ApprovalCard(props: ToolCallMessagePartProps & { label: string }) {
  const { approval, label, result, isError, args, toolCallId } = props;
  const extras = useContext(ThreadExtrasContext);
  const record = extras.approvals.get(approval!.id);
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // The server's record wins once it is decided; while the fetched copy still says pending, the
  // decision this page already knows (from the stream or this click) is the truer one.
  const fromChat: CardStatus | null = approval!.approved === true ? "approved" : approval!.approved === false ? "rejected" : null;
  const status: CardStatus = record && record.status !== "pending" ? record.status : (fromChat ?? "pending");
  const decided = status !== "pending";
  const job = status === "approved" ? jobOf(extras.jobs, toolCallId, result) : null;
  const outcome = status === "approved" ? outcomeOf(job, result, isError) : null;
  const why = record?.reason || approval!.reason || null;

  const respond = async (approved: boolean) => {
    setBusy(true);
    setError(null);
    try {
      await props.respondToApproval(approved ? { approved: true } : { approved: false, ...(reason.trim() ? { reason: reason.trim() } : {}) });
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setBusy(false);
    }
  };

  // Only a pending card asks for attention; a decided one is a neutral record of what happened.
  const attention = decided ? `decided status-${status}${outcome ? ` outcome-${outcome.state}` : ""}` : `risk-${record?.risk ?? "medium"}`;
  return (
    <section className={`approval-card ${attention}`} aria-label={`Approval: ${label}`} data-testid="approval-card" data-status={status} data-outcome={outcome?.state}>
      <header>
        <strong>{label}</strong>
        {decided ? null : <span className={`badge risk ${record?.risk ?? ""}`}>{record ? `${record.risk} risk` : "needs approval"}</span>}
      </header>
      <p>{record?.summary ?? `The agent wants to ${label.toLowerCase()}.`}</p>
      {!decided && record?.cost ? <p className="muted">Cost: {record.cost}</p> : null}
      {!decided ? <ArgsLine args={args} /> : null}
      {!decided && record ? <BoundRequestLine request={record.request} /> : null}
      {decided ? (
        <p className="decision" role="status">
          {status === "approved"
            ? `Approved · ${outcome!.text}`
            : status === "rejected"
              ? `Rejected${why ? `: ${why}` : ""}`
              : status === "expired"
                ? "Expired: nobody decided in time, so it did not run."
                : "Withdrawn: the request was replaced, so it did not run."}
        </p>
      ) : (
        <div className="approval-actions">
          <button className="primary" disabled={busy} onClick={() => respond(true)}>
            Approve
          </button>
          <input aria-label="Reason (optional)" placeholder="Reason (optional)" value={reason} onChange={(event) => setReason(event.target.value)} maxLength={2000} />
          <button className="danger" disabled={busy} onClick={() => respond(false)}>
            Reject
          </button>
        </div>
      )}
      {job && outcome?.state === "running" ? <progress max={100} value={Math.round(job.progress * 100)} aria-label={`${label} progress`} /> : null}
      {/* A rejected or withdrawn call's "result" is the denial the model read: not shown as a failure. */}
      <Details args={args} result={status === "approved" ? result : undefined} />
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
    </section>
  );
}

export function JobProgress({ job }: { job: Pick<Job, "id" | "kind" | "status" | "progress" | "message"> }) {
  const percent = Math.round(job.progress * 100);
  return (
    <div className={`job job-${job.status}`} data-testid="job-progress" data-status={job.status}>
      <div className="job-head">
        <span>
          {job.kind} · {job.status}
        </span>
        <span>{percent}%</span>
      </div>
      <progress max={100} value={percent} aria-label={`${job.kind} progress`} />
      {job.message ? <div className="muted">{job.message}</div> : null}
    </div>
  );
}

/** `data-job` parts of a chat response; the thread's job list has the newer state when known. */
export function JobPart(props: DataMessagePartProps<JobProgressData>) {
  const known = useContext(ThreadExtrasContext).jobs.get(props.data.id);
  return <JobProgress job={known ?? props.data} />;
}
