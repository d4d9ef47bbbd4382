-- Account mail (issue 19): mail to a person's address as the reseller service's user.* event gives
-- it, not to an account of the read model. Such a row's recipient is (account_type 'user',
-- account_id = the user id) and its address is kept here; the row's notification holds the one-time
-- token only sealed, opened when the mail is sent.
ALTER TABLE "email_send" ADD COLUMN "to_address" TEXT;
