-- Tokens that expire, are revoked with a reason, and say when they were last used.
ALTER TABLE "api_tokens" ADD COLUMN "expires_at" TIMESTAMPTZ(6);
ALTER TABLE "api_tokens" ADD COLUMN "revoke_reason" TEXT;
ALTER TABLE "api_tokens" ADD COLUMN "last_used_at" TIMESTAMPTZ(6);
-- Every API process asks for the tokens revoked lately, every second.
CREATE INDEX "api_tokens_revoked_at_idx" ON "api_tokens" ("revoked_at");
-- The list of tokens pages in creation order.
CREATE INDEX "api_tokens_created_at_idx" ON "api_tokens" ("created_at", "id");
-- Who issued a token, and the command id it was issued under (a replay must
-- not issue a second secret).
ALTER TABLE "api_tokens" ADD COLUMN "issued_by" TEXT;
ALTER TABLE "api_tokens" ADD COLUMN "command_id" TEXT;
CREATE UNIQUE INDEX "api_tokens_issued_by_command_id_key" ON "api_tokens" ("issued_by", "command_id");
