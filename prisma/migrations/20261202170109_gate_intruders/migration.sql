-- AlterTable
ALTER TABLE "Gate" ADD COLUMN     "awaitingChoice" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "keepExisting" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "GateMembership" ADD COLUMN     "kept" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "GateIntrusion" (
    "id" SERIAL NOT NULL,
    "gateId" INTEGER NOT NULL,
    "accountId" INTEGER NOT NULL,
    "unknownAccount" BOOLEAN NOT NULL DEFAULT false,
    "seenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "removedAt" TIMESTAMP(3),

    CONSTRAINT "GateIntrusion_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "GateIntrusion_gateId_seenAt_idx" ON "GateIntrusion"("gateId", "seenAt");

-- CreateIndex
CREATE INDEX "GateIntrusion_accountId_idx" ON "GateIntrusion"("accountId");

-- AddForeignKey
ALTER TABLE "GateIntrusion" ADD CONSTRAINT "GateIntrusion_gateId_fkey" FOREIGN KEY ("gateId") REFERENCES "Gate"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GateIntrusion" ADD CONSTRAINT "GateIntrusion_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "PlatformAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;
