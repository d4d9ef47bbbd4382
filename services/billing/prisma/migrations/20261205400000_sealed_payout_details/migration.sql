-- Payout method details sealed at rest (issue 16 follow-up, DESIGN.md §7): the IBAN or PayPal
-- address was kept as plain JSONB; it is now kept only as a SealedBox value (AES-256-GCM,
-- `v1.<iv>.<tag>.<ciphertext>`, the method's id as associated data) that billing opens when the
-- payout provider needs it. The key is PAYOUT_DETAILS_ENCRYPTION_KEY, or PRINCIPAL_SECRET through
-- HKDF; SQL does not have it, so existing rows cannot be sealed here. None exist in production
-- (payout methods came with migration 20261205300000, released together with this one): a
-- database that has some stops here rather than keep them readable.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM "payout_method") THEN
    RAISE EXCEPTION 'payout_method has rows with plain-text details; they cannot be sealed in SQL (remove them, or seal them with the service''s key, before this migration)';
  END IF;
END $$;

-- AlterTable
ALTER TABLE "payout_method" DROP COLUMN "details";
ALTER TABLE "payout_method" ADD COLUMN "sealed_details" TEXT NOT NULL;
