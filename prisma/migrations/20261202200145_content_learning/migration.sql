-- CreateEnum
CREATE TYPE "AttachmentKind" AS ENUM ('PHOTO', 'DOCUMENT');

-- AlterTable
ALTER TABLE "Lesson" ADD COLUMN     "contentHash" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "freePreview" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "published" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "releaseAfterDays" INTEGER,
ADD COLUMN     "slug" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- Lessons written before slugs existed are named by position (edited by hand: the diff adds a required column that
-- existing rows cannot fill), then the column has no default, as in schema.prisma.
UPDATE "Lesson" SET "slug" = 'lesson-' || "position" WHERE "slug" = '';
ALTER TABLE "Lesson" ALTER COLUMN "slug" DROP DEFAULT;

-- AlterTable
ALTER TABLE "Product" ADD COLUMN     "dripDays" INTEGER,
ADD COLUMN     "joinUrl" TEXT,
ADD COLUMN     "replayUrl" TEXT;

-- CreateTable
CREATE TABLE "LessonAttachment" (
    "id" SERIAL NOT NULL,
    "lessonId" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,
    "kind" "AttachmentKind" NOT NULL,
    "fileName" TEXT NOT NULL,
    "mimeType" TEXT NOT NULL,
    "caption" TEXT NOT NULL DEFAULT '',
    "data" BYTEA,
    "sha256" TEXT NOT NULL DEFAULT '',
    "telegramFileId" TEXT,
    "discordUrl" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LessonAttachment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LessonProgress" (
    "memberId" INTEGER NOT NULL,
    "lessonId" INTEGER NOT NULL,
    "firstOpenedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastOpenedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completedAt" TIMESTAMP(3),

    CONSTRAINT "LessonProgress_pkey" PRIMARY KEY ("memberId","lessonId")
);

-- CreateIndex
CREATE INDEX "LessonAttachment_lessonId_position_idx" ON "LessonAttachment"("lessonId", "position");

-- CreateIndex
CREATE UNIQUE INDEX "LessonAttachment_lessonId_fileName_key" ON "LessonAttachment"("lessonId", "fileName");

-- CreateIndex
CREATE INDEX "LessonProgress_memberId_lastOpenedAt_idx" ON "LessonProgress"("memberId", "lastOpenedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Lesson_productId_slug_key" ON "Lesson"("productId", "slug");

-- AddForeignKey
ALTER TABLE "LessonAttachment" ADD CONSTRAINT "LessonAttachment_lessonId_fkey" FOREIGN KEY ("lessonId") REFERENCES "Lesson"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LessonProgress" ADD CONSTRAINT "LessonProgress_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LessonProgress" ADD CONSTRAINT "LessonProgress_lessonId_fkey" FOREIGN KEY ("lessonId") REFERENCES "Lesson"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Attachments are part of the catalog a cached reader holds (written by hand, as in the catalog_version migration).
CREATE TRIGGER "catalog_version_lesson_attachment" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "LessonAttachment"
  FOR EACH STATEMENT EXECUTE FUNCTION "lyceum_bump_catalog_version"();
