-- People's accounts (issue 19): users with a password (argon2id), their sessions, one-time tokens
-- (email verification, password reset, invitation) and resellers' referral codes. Secrets are never
-- stored in clear: sessions and tokens as HMAC-SHA256 under the API key pepper, the TOTP secret
-- sealed (AES-256-GCM).
-- CreateTable
CREATE TABLE "referral_code" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "reseller_id" UUID NOT NULL,
  "code" TEXT NOT NULL,
  "label" TEXT,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

  CONSTRAINT "referral_code_pkey" PRIMARY KEY ("id"),
  -- stored upper-cased, so codes are unique ignoring case
  CONSTRAINT "referral_code_code_upper_check" CHECK ("code" = upper("code"))
);

-- CreateTable
CREATE TABLE "app_user" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "email" TEXT NOT NULL,
  "name" TEXT NOT NULL,
  "password_hash" TEXT,
  "role" TEXT NOT NULL,
  "reseller_id" UUID,
  "customer_id" UUID,
  "referral_code_id" UUID,
  "email_verified_at" TIMESTAMPTZ(3),
  "totp_secret" TEXT,
  "totp_pending_secret" TEXT,
  "failed_logins" INTEGER NOT NULL DEFAULT 0,
  "locked_until" TIMESTAMPTZ(3),
  "password_changed_at" TIMESTAMPTZ(3),
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

  CONSTRAINT "app_user_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "app_user_email_lower_check" CHECK ("email" = lower("email")),
  CONSTRAINT "app_user_failed_logins_check" CHECK ("failed_logins" >= 0),
  -- admins belong to nobody; reseller staff to a reseller; a customer's user to its customer (and
  -- that customer's reseller, when it has one)
  CONSTRAINT "app_user_role_check" CHECK (
    ("role" = 'admin' AND "reseller_id" IS NULL AND "customer_id" IS NULL) OR
    ("role" = 'reseller' AND "reseller_id" IS NOT NULL AND "customer_id" IS NULL) OR
    ("role" = 'customer' AND "customer_id" IS NOT NULL)
  )
);

-- CreateTable
CREATE TABLE "user_session" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "lookup_id" TEXT NOT NULL,
  "secret_hash" TEXT NOT NULL,
  "user_id" UUID NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "last_seen_at" TIMESTAMPTZ(3) NOT NULL,
  "expires_at" TIMESTAMPTZ(3) NOT NULL,
  "revoked_at" TIMESTAMPTZ(3),

  CONSTRAINT "user_session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "user_token" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "user_id" UUID NOT NULL,
  "purpose" TEXT NOT NULL,
  "token_hash" TEXT NOT NULL,
  "expires_at" TIMESTAMPTZ(3) NOT NULL,
  "used_at" TIMESTAMPTZ(3),
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

  CONSTRAINT "user_token_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "user_token_purpose_check" CHECK ("purpose" IN ('email_verification', 'password_reset', 'invitation'))
);

-- CreateIndex
CREATE UNIQUE INDEX "referral_code_code_key" ON "referral_code"("code");
CREATE INDEX "referral_code_reseller_id_created_at_id_idx" ON "referral_code"("reseller_id", "created_at", "id");
CREATE UNIQUE INDEX "app_user_email_key" ON "app_user"("email");
CREATE INDEX "app_user_reseller_id_created_at_id_idx" ON "app_user"("reseller_id", "created_at", "id");
CREATE INDEX "app_user_customer_id_idx" ON "app_user"("customer_id");
CREATE INDEX "app_user_referral_code_id_idx" ON "app_user"("referral_code_id");
CREATE INDEX "app_user_created_at_id_idx" ON "app_user"("created_at", "id");
CREATE UNIQUE INDEX "user_session_lookup_id_key" ON "user_session"("lookup_id");
CREATE INDEX "user_session_user_id_idx" ON "user_session"("user_id");
CREATE UNIQUE INDEX "user_token_token_hash_key" ON "user_token"("token_hash");
CREATE INDEX "user_token_user_id_idx" ON "user_token"("user_id");

-- AddForeignKey
ALTER TABLE "referral_code" ADD CONSTRAINT "referral_code_reseller_id_fkey" FOREIGN KEY ("reseller_id") REFERENCES "reseller"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "app_user" ADD CONSTRAINT "app_user_reseller_id_fkey" FOREIGN KEY ("reseller_id") REFERENCES "reseller"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "app_user" ADD CONSTRAINT "app_user_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "app_user" ADD CONSTRAINT "app_user_referral_code_id_fkey" FOREIGN KEY ("referral_code_id") REFERENCES "referral_code"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "user_session" ADD CONSTRAINT "user_session_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "user_token" ADD CONSTRAINT "user_token_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
