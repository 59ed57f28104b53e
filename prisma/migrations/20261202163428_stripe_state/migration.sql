-- CreateEnum
CREATE TYPE "DisputeStatus" AS ENUM ('OPEN', 'WON', 'LOST');

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "SubscriptionStatus" ADD VALUE 'UNPAID';
ALTER TYPE "SubscriptionStatus" ADD VALUE 'PAUSED';

-- AlterTable
ALTER TABLE "Payment" ADD COLUMN     "disputeRef" TEXT,
ADD COLUMN     "disputeStatus" "DisputeStatus",
ADD COLUMN     "periodEnd" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Subscription" ADD COLUMN     "stateFetchedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "UnmatchedPayment" (
    "id" SERIAL NOT NULL,
    "provider" "PaymentProviderKind" NOT NULL,
    "checkoutRef" TEXT NOT NULL,
    "paymentRef" TEXT,
    "claimedOrderId" INTEGER,
    "amount" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "UnmatchedPayment_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "UnmatchedPayment_provider_checkoutRef_key" ON "UnmatchedPayment"("provider", "checkoutRef");
