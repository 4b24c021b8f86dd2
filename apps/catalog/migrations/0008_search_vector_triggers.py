"""Full-text search kept by PostgreSQL itself: a weighted vector per product.

The vector draws on three other tables (the category path, attribute
values), which a generated column cannot read, so triggers keep it:

- a product's own BEFORE trigger rebuilds its vector when its text changes
  or when anything sets the vector to NULL, and adds its words to the
  typo-correction lexicon (catalog_searchword);
- a category renamed or moved, an attribute value renamed, and a product
  gaining or losing attribute values set the affected vectors to NULL.

One function (catalog_product_texts) says what is searchable with which
weight, so the vector and the lexicon cannot disagree. SQLite has none of
this and keeps substring search (apps/catalog/search.py).
"""

from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION catalog_product_texts(p catalog_product)
RETURNS text[] LANGUAGE sql STABLE AS $$
    SELECT ARRAY[
        coalesce(p.name, ''),
        coalesce(p.brand, '') || ' ' || coalesce((
            WITH RECURSIVE up(id, name, parent_id) AS (
                SELECT c.id, c.name, c.parent_id
                FROM catalog_category c WHERE c.id = p.category_id
                UNION
                SELECT c.id, c.name, c.parent_id
                FROM catalog_category c JOIN up ON c.id = up.parent_id
            )
            SELECT string_agg(up.name, ' ') FROM up
        ), ''),
        coalesce((
            SELECT string_agg(v.name, ' ')
            FROM catalog_productattribute pa
            JOIN catalog_attributevalue v ON v.id = pa.value_id
            WHERE pa.product_id = p.id
        ), ''),
        coalesce(p.description, '')
    ]
$$;

CREATE OR REPLACE FUNCTION catalog_product_search_update() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    texts text[];
BEGIN
    IF TG_OP = 'UPDATE'
       AND NEW.search_vector IS NOT NULL
       AND NEW.search_vector IS NOT DISTINCT FROM OLD.search_vector
       AND NEW.name IS NOT DISTINCT FROM OLD.name
       AND NEW.brand IS NOT DISTINCT FROM OLD.brand
       AND NEW.description IS NOT DISTINCT FROM OLD.description
       AND NEW.category_id IS NOT DISTINCT FROM OLD.category_id THEN
        RETURN NEW;  -- a price or a flag changed: nothing searchable did
    END IF;
    texts := catalog_product_texts(NEW);
    NEW.search_vector :=
        setweight(to_tsvector('english', texts[1]), 'A')
        || setweight(to_tsvector('english', texts[2]), 'B')
        || setweight(to_tsvector('english', texts[3]), 'C')
        || setweight(to_tsvector('english', texts[4]), 'D');
    -- Words in sorted order, and DO NOTHING on a known word: concurrent
    -- writers neither lock each other's rows nor deadlock.
    -- Stop words ("the", "with") are left out: no search matches them.
    INSERT INTO catalog_searchword (word, stem)
    SELECT w, stem
    FROM (
        SELECT w, (tsvector_to_array(to_tsvector('english', w)))[1] AS stem
        FROM unnest(tsvector_to_array(
            to_tsvector('simple', array_to_string(texts, ' '))
        )) AS w
        WHERE char_length(w) BETWEEN 3 AND 40 AND w ~ '^[[:alpha:]]+$'
    ) AS words
    WHERE stem IS NOT NULL
    ORDER BY w
    ON CONFLICT (word) DO NOTHING;
    RETURN NEW;
END
$$;

CREATE TRIGGER catalog_product_search
BEFORE INSERT OR UPDATE ON catalog_product
FOR EACH ROW EXECUTE FUNCTION catalog_product_search_update();

CREATE OR REPLACE FUNCTION catalog_category_search_touch() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.name IS DISTINCT FROM OLD.name
       OR NEW.parent_id IS DISTINCT FROM OLD.parent_id THEN
        UPDATE catalog_product SET search_vector = NULL
        WHERE category_id IN (
            WITH RECURSIVE down(id) AS (
                SELECT NEW.id
                UNION
                SELECT c.id FROM catalog_category c JOIN down ON c.parent_id = down.id
            )
            SELECT id FROM down
        );
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER catalog_category_search
AFTER UPDATE ON catalog_category
FOR EACH ROW EXECUTE FUNCTION catalog_category_search_touch();

CREATE OR REPLACE FUNCTION catalog_attribute_value_search_touch() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.name IS DISTINCT FROM OLD.name THEN
        UPDATE catalog_product SET search_vector = NULL
        WHERE id IN (
            SELECT product_id FROM catalog_productattribute WHERE value_id = NEW.id
        );
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER catalog_attribute_value_search
AFTER UPDATE ON catalog_attributevalue
FOR EACH ROW EXECUTE FUNCTION catalog_attribute_value_search_touch();

-- Statement-level, over the transition tables: assigning five attributes
-- to each of 250 products rebuilds each product's vector once, not five times.
-- PL/pgSQL plans a statement when it first runs it, so each branch only
-- names the transition tables its trigger has.
CREATE OR REPLACE FUNCTION catalog_product_attribute_search_touch() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE catalog_product SET search_vector = NULL
        WHERE id IN (SELECT product_id FROM added);
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE catalog_product SET search_vector = NULL
        WHERE id IN (SELECT product_id FROM removed);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER catalog_product_attribute_search_insert
AFTER INSERT ON catalog_productattribute REFERENCING NEW TABLE AS added
FOR EACH STATEMENT EXECUTE FUNCTION catalog_product_attribute_search_touch();

CREATE TRIGGER catalog_product_attribute_search_update
AFTER UPDATE ON catalog_productattribute
REFERENCING OLD TABLE AS removed NEW TABLE AS added
FOR EACH STATEMENT EXECUTE FUNCTION catalog_product_attribute_search_touch();

CREATE TRIGGER catalog_product_attribute_search_delete
AFTER DELETE ON catalog_productattribute REFERENCING OLD TABLE AS removed
FOR EACH STATEMENT EXECUTE FUNCTION catalog_product_attribute_search_touch();

CREATE INDEX IF NOT EXISTS catalog_product_search_vector
    ON catalog_product USING gin (search_vector);
CREATE INDEX IF NOT EXISTS catalog_searchword_trgm
    ON catalog_searchword USING gin (word gin_trgm_ops);

UPDATE catalog_product SET search_vector = NULL;
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS catalog_product_search ON catalog_product;
DROP TRIGGER IF EXISTS catalog_category_search ON catalog_category;
DROP TRIGGER IF EXISTS catalog_attribute_value_search ON catalog_attributevalue;
DROP TRIGGER IF EXISTS catalog_product_attribute_search_insert
    ON catalog_productattribute;
DROP TRIGGER IF EXISTS catalog_product_attribute_search_update
    ON catalog_productattribute;
DROP TRIGGER IF EXISTS catalog_product_attribute_search_delete
    ON catalog_productattribute;
DROP FUNCTION IF EXISTS catalog_product_search_update();
DROP FUNCTION IF EXISTS catalog_category_search_touch();
DROP FUNCTION IF EXISTS catalog_attribute_value_search_touch();
DROP FUNCTION IF EXISTS catalog_product_attribute_search_touch();
DROP FUNCTION IF EXISTS catalog_product_texts(catalog_product);
DROP INDEX IF EXISTS catalog_product_search_vector;
DROP INDEX IF EXISTS catalog_searchword_trgm;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0007_attributes_and_search")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
