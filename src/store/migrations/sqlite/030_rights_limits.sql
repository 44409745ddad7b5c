-- Issue 16 (the web endpoint under attack): decisions with today's rights,
-- and the indexes of the mail limits.

-- An approval link stops working when its holder is no longer an active
-- system administrator of the client, or the pair may no longer link
-- digitally (a registry import, or a check at decision time). The row is
-- kept (I2); it records when and why. Reasons: not_administrator,
-- client_multi_company, bureau_multi_company, bureau_excluded.
ALTER TABLE approval_tokens ADD COLUMN invalidated_at TEXT;
ALTER TABLE approval_tokens ADD COLUMN invalid_reason TEXT;
-- An invalidated link never decides; a link is invalidated once, and only
-- while undecided.
CREATE TRIGGER approval_tokens_invalid_cannot_decide BEFORE UPDATE OF decision ON approval_tokens
  WHEN OLD.invalidated_at IS NOT NULL AND NEW.decision IS NOT NULL
  BEGIN SELECT RAISE(ABORT, 'an invalidated approval token cannot decide'); END;
CREATE TRIGGER approval_tokens_invalidate_once BEFORE UPDATE OF invalidated_at ON approval_tokens
  WHEN OLD.invalidated_at IS NOT NULL OR OLD.decision IS NOT NULL
  BEGIN SELECT RAISE(ABORT, 'an approval token is invalidated once, and only while undecided'); END;

-- The per-recipient cap on approval mails counts a recipient's recent mails.
CREATE INDEX mail_queue_by_recipient ON mail_queue (recipient, created_at);
-- The cool-down after a decline or revocation looks up the pair's ended linkages.
CREATE INDEX linkages_by_pair ON linkages (bureau_id, client_id, state);
