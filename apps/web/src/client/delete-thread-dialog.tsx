/** Deleting a thread, asked first: everything in it goes for good (`DELETE /threads/:id`). */
import { useRef, useState } from "react";
import { api, errorSentence } from "./api.ts";
import { userFeed } from "./feed.ts";
import { navigate } from "./router.ts";
import { ErrorLine } from "./ui/alert.tsx";
import { AlertDialog, AlertDialogCancel, AlertDialogContent, AlertDialogDescription, AlertDialogTitle } from "./ui/alert-dialog.tsx";
import { Button } from "./ui/button.tsx";

/** `onClosed(deleted)`: where focus goes once the dialog has closed (its trigger, a menu item, is gone by then). */
export function DeleteThreadDialog({
  threadId,
  title,
  open,
  onOpenChange,
  isOpenHere,
  onClosed,
}: {
  threadId: string;
  title: string;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  isOpenHere: boolean;
  onClosed: (deleted: boolean) => void;
}) {
  const [deleting, setDeleting] = useState(false);
  const deleted = useRef(false);
  const [failure, setFailure] = useState<string | null>(null);
  const change = (next: boolean) => {
    if (deleting) return;
    setFailure(null);
    onOpenChange(next);
  };
  const remove = async () => {
    setDeleting(true);
    setFailure(null);
    try {
      await api.deleteThread(threadId);
    } catch (error) {
      setFailure(errorSentence(error));
      setDeleting(false);
      return;
    }
    setDeleting(false);
    deleted.current = true;
    onOpenChange(false);
    // The user feed's `thread.deleted` takes the row away in every tab; without the feed, read the list again.
    if (!userFeed.snapshot().live) void userFeed.reload();
    if (isOpenHere) navigate("/");
  };
  return (
    <AlertDialog open={open} onOpenChange={change}>
      <AlertDialogContent
        onCloseAutoFocus={(event) => {
          event.preventDefault();
          onClosed(deleted.current);
          deleted.current = false;
        }}
      >
        <AlertDialogTitle className="wrap-anywhere">Delete “{title}”?</AlertDialogTitle>
        <AlertDialogDescription>
          This deletes the thread with its messages, approvals, jobs and files. It cannot be undone.
        </AlertDialogDescription>
        {failure ? <ErrorLine>{failure}</ErrorLine> : null}
        <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
          <AlertDialogCancel asChild>
            <Button variant="outline" disabled={deleting}>
              Cancel
            </Button>
          </AlertDialogCancel>
          {/* Not AlertDialog.Action: that closes at once; the dialog stays until the server has answered. */}
          <Button variant="destructive" disabled={deleting} onClick={() => void remove()}>
            {deleting ? "Deleting…" : "Delete"}
          </Button>
        </div>
      </AlertDialogContent>
    </AlertDialog>
  );
}
