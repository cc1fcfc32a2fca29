-- A commandId belongs to its caller (the token that sent it): another caller's
-- id neither replays nor is refused as already used. Ids recorded before this
-- migration have no known caller and replay for nobody.
ALTER TABLE "commands" ADD COLUMN "caller" TEXT NOT NULL DEFAULT '';
ALTER TABLE "commands" ALTER COLUMN "caller" DROP DEFAULT;
ALTER TABLE "commands" DROP CONSTRAINT "commands_pkey";
ALTER TABLE "commands" ADD CONSTRAINT "commands_pkey" PRIMARY KEY ("caller", "command_id");
