import type { Approval, Job, JobProgressData } from "@oa/protocol";
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

const TOOL_LABELS: Record<string, string> = {
  get_instance: "Checked the instance",
  provision: "Provision an OpenClaw instance",
  delete_instance: "Delete the OpenClaw instance",
  runtime_status: "Checked the runtime status",
  list_devices: "Listed devices",
  approve_device: "Approve a device",
  list_pairing_requests: "Listed pairing requests",
  approve_pairing: "Approve a pairing request",
  backup_now: "Back up now",
  restart: "Restart OpenClaw",
  billing_summary: "Checked the balance",
  list_sessions: "Listed sessions",
  session_history: "Read a session's history",
  send_to_session: "Sent a message to a session",
  watch_status: "Watch the status",
  schedule_followup: "Scheduled a follow-up",
  list_schedules: "Listed follow-ups",
  cancel_schedule: "Cancelled a follow-up",
};

function short(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value, null, 1);
  return text && text.length > 600 ? `${text.slice(0, 600)}…` : (text ?? "");
}

/** Every tool call: what it did, and for a gated one the approval card. */
export function ToolCard(props: ToolCallMessagePartProps) {
  const { toolName, args, result, isError, approval, status } = props;
  const label = TOOL_LABELS[toolName] ?? toolName;
  if (approval) return <ApprovalCard {...props} label={label} />;
  const running = status.type === "running";
  return (
    <details className={`tool-card ${isError ? "failed" : ""}`}>
      <summary>
        <span className="tool-name">{label}</span>
        <span className="muted">{running ? " · working…" : isError ? " · failed" : result !== undefined ? " · done" : ""}</span>
      </summary>
      {Object.keys(args ?? {}).length > 0 ? <pre className="tool-args">{short(args)}</pre> : null}
      {result !== undefined ? <pre className="tool-result">{short(result)}</pre> : null}
    </details>
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

function ApprovalCard(props: ToolCallMessagePartProps & { label: string }) {
  const { approval, label, result, isError, args } = props;
  const record = useContext(ThreadExtrasContext).approvals.get(approval!.id);
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const decided = approval!.approved !== undefined || (record && record.status !== "pending");
  const status = record?.status ?? (approval!.approved === true ? "approved" : approval!.approved === false ? "rejected" : "pending");

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

  return (
    <section className={`approval-card risk-${record?.risk ?? "medium"}`} aria-label={`Approval: ${label}`} data-testid="approval-card" data-status={status}>
      <header>
        <strong>{label}</strong>
        <span className={`badge risk ${record?.risk ?? ""}`}>{record ? `${record.risk} risk` : "needs approval"}</span>
      </header>
      <p>{record?.summary ?? `The agent wants to run ${props.toolName}.`}</p>
      {record?.cost ? <p className="muted">Cost: {record.cost}</p> : null}
      {record ? <BoundRequestLine request={record.request} /> : null}
      {Object.keys(args ?? {}).length > 0 ? <pre className="tool-args">{short(args)}</pre> : null}
      {decided ? (
        <p className="decision" role="status">
          {status === "approved" ? "Approved" : status === "rejected" ? "Rejected" : status === "expired" ? "Expired" : status === "superseded" ? "Withdrawn" : "Decided"}
          {record?.reason ? ` — ${record.reason}` : ""}
          {status === "approved" && result === undefined && !isError ? " · running…" : ""}
          {result !== undefined ? ` · ${isError ? "failed" : "done"}` : ""}
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
      {result !== undefined ? <pre className="tool-result">{short(result)}</pre> : null}
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
