-- CreateEnum
CREATE TYPE "AnswerState" AS ENUM ('DRAFT', 'POSTED', 'REJECTED');

-- CreateEnum
CREATE TYPE "HelperMode" AS ENUM ('AUTO', 'DRAFT', 'OFF');

-- AlterTable
ALTER TABLE "Answer" ADD COLUMN     "audience" TEXT,
ADD COLUMN     "flaggedReason" TEXT,
ADD COLUMN     "reply" JSONB,
ADD COLUMN     "state" "AnswerState" NOT NULL DEFAULT 'POSTED';

-- AlterTable
ALTER TABLE "Question" ADD COLUMN     "escalatedAt" TIMESTAMP(3),
ADD COLUMN     "flaggedReason" TEXT,
ADD COLUMN     "helperAt" TIMESTAMP(3),
ADD COLUMN     "helperTokens" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "messageRef" TEXT,
ADD COLUMN     "placeRef" TEXT,
ADD COLUMN     "textKey" TEXT;

-- CreateTable
CREATE TABLE "AnswerVote" (
    "id" SERIAL NOT NULL,
    "answerId" INTEGER NOT NULL,
    "memberId" INTEGER NOT NULL,
    "helpful" BOOLEAN NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AnswerVote_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "QaPlace" (
    "id" SERIAL NOT NULL,
    "platform" "Platform" NOT NULL,
    "placeRef" TEXT NOT NULL,
    "title" TEXT,
    "helperMode" "HelperMode",
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "QaPlace_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "AnswerVote_answerId_memberId_key" ON "AnswerVote"("answerId", "memberId");

-- CreateIndex
CREATE UNIQUE INDEX "QaPlace_platform_placeRef_key" ON "QaPlace"("platform", "placeRef");

-- CreateIndex
CREATE INDEX "Question_memberId_createdAt_idx" ON "Question"("memberId", "createdAt");

-- CreateIndex
CREATE INDEX "Question_textKey_createdAt_idx" ON "Question"("textKey", "createdAt");

-- AddForeignKey
ALTER TABLE "AnswerVote" ADD CONSTRAINT "AnswerVote_answerId_fkey" FOREIGN KEY ("answerId") REFERENCES "Answer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AnswerVote" ADD CONSTRAINT "AnswerVote_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE CASCADE ON UPDATE CASCADE;
