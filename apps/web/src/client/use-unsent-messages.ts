import { useCallback, useRef, useState } from "react";

/** Messages this tab could not send, by id, with the reason shown under each ("Not sent"). */
export function useUnsentMessages() {
  const [unsent, setUnsent] = useState<Map<string, string>>(new Map());
  const unsentRef = useRef(unsent);
  unsentRef.current = unsent;

  const markUnsent = useCallback((id: string, reason: string | null) => {
    setUnsent((current) => {
      if (reason === null ? !current.has(id) : current.get(id) === reason) return current;
      const next = new Map(current);
      if (reason === null) next.delete(id);
      else next.set(id, reason);
      unsentRef.current = next;
      return next;
    });
  }, []);

  return { unsent, unsentRef, markUnsent };
}
