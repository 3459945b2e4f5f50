-- Mail in: a case opened by mail keeps, like a reply by mail, the message it
-- came from and the quoted history cut off its description (shown behind
-- "show quoted text").
ALTER TABLE cases ADD COLUMN inbound_mail_id bigint REFERENCES inbound_mails (id);
ALTER TABLE cases ADD COLUMN description_quoted text NOT NULL DEFAULT ''
    CHECK (length(description_quoted) <= 200000);

-- The admins' list of the latest refused and ignored messages reads them newest first.
CREATE INDEX inbound_mails_state_idx ON inbound_mails (state, id DESC);

-- One message (its Message-ID, from its sender) makes one case or reply,
-- even when two copies of it (the mailbox and the pipe) are processed at once.
CREATE UNIQUE INDEX inbound_mails_processed_once ON inbound_mails (message_id, from_address)
    WHERE state = 'processed' AND message_id IS NOT NULL;
