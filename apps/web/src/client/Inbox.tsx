import { toolLabel, type InboxItem } from "@oa/protocol";
import { useState } from "react";
import { api } from "./api.ts";
import { userFeed, useUserFeed } from "./feed.ts";
import { navigate } from "./router.ts";

/** Every pending approval across the user's threads, decided in place. */
export function Inbox() {
  const feed = useUserFeed();
  return (
    <section className="page" aria-label="Approvals">
      <h2>Approvals</h2>
      {feed.error ? (
        <div role="alert" className="list-state">
          <p className="error">Your approvals could not be loaded — {feed.error}</p>
          <button onClick={() => void userFeed.reload().catch(() => undefined)}>Try again</button>
        </div>
      ) : null}
      {feed.inbox.length === 0 && feed.loaded && !feed.error ? <p className="muted">Nothing is waiting for you.</p> : null}
      {!feed.loaded && !feed.error ? <p className="muted">Loading your approvals…</p> : null}
      <ul className="inbox">
        {feed.inbox.map((item) => (
          <InboxEntry key={item.id} item={item} />
        ))}
      </ul>
    </section>
  );
}

function InboxEntry({ item }: { item: InboxItem }) {
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const decide = async (decision: "approved" | "rejected") => {
    setBusy(true);
    setError(null);
    try {
      await api.respond(item.threadId, item.id, decision, decision === "rejected" ? reason.trim() || undefined : undefined);
    } catch (failure) {
      setError((failure as Error).message);
      // Someone else may have decided it: the feed has the truth.
      void userFeed.reload();
    } finally {
      setBusy(false);
    }
  };
  return (
    <li className={`approval-card risk-${item.risk}`} data-testid="inbox-item">
      <header>
        <strong>{item.summary}</strong>
        <span className={`badge risk ${item.risk}`}>{item.risk} risk</span>
      </header>
      <p className="muted">
        In{" "}
        <a
          href={`/t/${item.threadId}`}
          onClick={(event) => {
            event.preventDefault();
            navigate(`/t/${item.threadId}`);
          }}
        >
          {item.threadTitle ?? "a chat"}
        </a>{" "}
        · {toolLabel(item.tool)}
        {item.cost ? ` · ${item.cost}` : ""} · expires {new Date(item.expiresAt).toLocaleString()}
      </p>
      <div className="approval-actions">
        <button className="primary" disabled={busy} onClick={() => decide("approved")}>
          Approve
        </button>
        <input aria-label="Reason (optional)" placeholder="Reason (optional)" value={reason} onChange={(event) => setReason(event.target.value)} maxLength={2000} />
        <button className="danger" disabled={busy} onClick={() => decide("rejected")}>
          Reject
        </button>
      </div>
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
    </li>
  );
}
