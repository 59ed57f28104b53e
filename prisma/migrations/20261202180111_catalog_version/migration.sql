-- CreateTable
CREATE TABLE "CatalogVersion" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "version" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "CatalogVersion_pkey" PRIMARY KEY ("id")
);

-- The one row, and triggers that raise its version whenever the catalog changes (written by hand: Prisma does not
-- model triggers, and its diffs leave them alone).
INSERT INTO "CatalogVersion" ("id", "version") VALUES (1, 1) ON CONFLICT DO NOTHING;

CREATE OR REPLACE FUNCTION "lyceum_bump_catalog_version"() RETURNS trigger AS $$
BEGIN
  -- A clock-based version, never reused: a TRUNCATE of this table (tests do) cannot bring back an old number.
  INSERT INTO "CatalogVersion" ("id", "version") VALUES (1, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint)
  ON CONFLICT ("id") DO UPDATE SET "version" = GREATEST("CatalogVersion"."version" + 1, EXCLUDED."version");
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "catalog_version_product" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Product"
  FOR EACH STATEMENT EXECUTE FUNCTION "lyceum_bump_catalog_version"();
CREATE TRIGGER "catalog_version_offer" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Offer"
  FOR EACH STATEMENT EXECUTE FUNCTION "lyceum_bump_catalog_version"();
CREATE TRIGGER "catalog_version_tag" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Tag"
  FOR EACH STATEMENT EXECUTE FUNCTION "lyceum_bump_catalog_version"();
CREATE TRIGGER "catalog_version_product_tag" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "ProductTag"
  FOR EACH STATEMENT EXECUTE FUNCTION "lyceum_bump_catalog_version"();
CREATE TRIGGER "catalog_version_lesson" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Lesson"
  FOR EACH STATEMENT EXECUTE FUNCTION "lyceum_bump_catalog_version"();
CREATE TRIGGER "catalog_version_bundle_item" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "BundleItem"
  FOR EACH STATEMENT EXECUTE FUNCTION "lyceum_bump_catalog_version"();
