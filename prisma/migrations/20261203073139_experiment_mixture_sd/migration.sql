-- AlterTable
ALTER TABLE "Experiment" ADD COLUMN     "mixtureSd" DOUBLE PRECISION;
