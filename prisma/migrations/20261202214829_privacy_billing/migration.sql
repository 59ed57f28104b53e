-- AlterEnum
ALTER TYPE "RevokeReason" ADD VALUE 'ERASED';

-- AlterTable
ALTER TABLE "Member" ADD COLUMN     "stripeCustomerId" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Member_stripeCustomerId_key" ON "Member"("stripeCustomerId");
