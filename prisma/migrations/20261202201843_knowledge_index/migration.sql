-- AlterEnum
ALTER TYPE "ChunkSource" ADD VALUE 'DOCUMENT';

-- AlterTable
ALTER TABLE "KnowledgeChunk" ADD COLUMN     "contentHash" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "documentId" INTEGER,
ADD COLUMN     "embeddingModel" TEXT,
ADD COLUMN     "headingPath" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "passageId" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "sourceHash" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "title" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "titleTerms" TEXT NOT NULL DEFAULT '',
DROP COLUMN "embedding",
ADD COLUMN     "embedding" BYTEA;

-- CreateTable
CREATE TABLE "KnowledgeDocument" (
    "id" SERIAL NOT NULL,
    "collection" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "contentHash" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "KnowledgeDocument_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "KnowledgeVersion" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "version" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "KnowledgeVersion_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "KnowledgeDocument_collection_path_key" ON "KnowledgeDocument"("collection", "path");

-- CreateIndex
CREATE INDEX "KnowledgeChunk_lessonId_idx" ON "KnowledgeChunk"("lessonId");

-- CreateIndex
CREATE INDEX "KnowledgeChunk_answerId_idx" ON "KnowledgeChunk"("answerId");

-- CreateIndex
CREATE INDEX "KnowledgeChunk_documentId_idx" ON "KnowledgeChunk"("documentId");

-- AddForeignKey
ALTER TABLE "KnowledgeChunk" ADD CONSTRAINT "KnowledgeChunk_documentId_fkey" FOREIGN KEY ("documentId") REFERENCES "KnowledgeDocument"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The one row, and a trigger that raises its version whenever the index changes, from any process or tool (written
-- by hand: Prisma does not model triggers, and its diffs leave them alone).
INSERT INTO "KnowledgeVersion" ("id", "version") VALUES (1, 1) ON CONFLICT DO NOTHING;

CREATE OR REPLACE FUNCTION "lyceum_bump_knowledge_version"() RETURNS trigger AS $$
BEGIN
  -- Clock-based, never reused: a TRUNCATE of this table (tests do) cannot bring back a number a cache has seen.
  INSERT INTO "KnowledgeVersion" ("id", "version") VALUES (1, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint)
  ON CONFLICT ("id") DO UPDATE SET "version" = GREATEST("KnowledgeVersion"."version" + 1, EXCLUDED."version");
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "knowledge_version_chunk" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "KnowledgeChunk"
  FOR EACH STATEMENT EXECUTE FUNCTION "lyceum_bump_knowledge_version"();
