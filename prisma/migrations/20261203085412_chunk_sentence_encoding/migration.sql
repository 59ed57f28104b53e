-- AlterTable
ALTER TABLE "KnowledgeChunk" ADD COLUMN     "encoding" BYTEA,
ADD COLUMN     "encodingModel" TEXT;
