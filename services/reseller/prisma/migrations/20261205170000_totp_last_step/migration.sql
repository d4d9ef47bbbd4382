-- A TOTP code works once (RFC 6238 §5.2): the 30-second time step of the last code accepted for the
-- user; a code is accepted only for a later step, claimed by one conditional UPDATE so two sign-ins
-- racing with the same code cannot both pass.
ALTER TABLE "app_user" ADD COLUMN "totp_last_step" INTEGER;
