"""Variant colours join the searchable text (weight C, with attribute values).

"red dress" is how shoppers search; without the colours in the vector, "red"
was unknown to the catalog and corrected to another word. A statement-level
trigger refreshes a product's vector when a variant is added, removed, or
changes colour or product.
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
        ), '') || ' ' || coalesce((
            SELECT string_agg(DISTINCT pv.colour, ' ')
            FROM catalog_productvariant pv WHERE pv.product_id = p.id
        ), ''),
        coalesce(p.description, '')
    ]
$$;

CREATE OR REPLACE FUNCTION catalog_variant_search_touch() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE catalog_product SET search_vector = NULL
        WHERE id IN (SELECT product_id FROM added);
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE catalog_product SET search_vector = NULL
        WHERE id IN (SELECT product_id FROM removed);
    ELSE
        -- Prices and SKUs change more often than colours: only those count.
        UPDATE catalog_product SET search_vector = NULL
        WHERE id IN (
            SELECT n.product_id FROM added n JOIN removed o ON o.id = n.id
            WHERE n.colour IS DISTINCT FROM o.colour
               OR n.product_id IS DISTINCT FROM o.product_id
            UNION
            SELECT o.product_id FROM added n JOIN removed o ON o.id = n.id
            WHERE n.product_id IS DISTINCT FROM o.product_id
        );
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER catalog_variant_search_insert
AFTER INSERT ON catalog_productvariant REFERENCING NEW TABLE AS added
FOR EACH STATEMENT EXECUTE FUNCTION catalog_variant_search_touch();

CREATE TRIGGER catalog_variant_search_update
AFTER UPDATE ON catalog_productvariant
REFERENCING OLD TABLE AS removed NEW TABLE AS added
FOR EACH STATEMENT EXECUTE FUNCTION catalog_variant_search_touch();

CREATE TRIGGER catalog_variant_search_delete
AFTER DELETE ON catalog_productvariant REFERENCING OLD TABLE AS removed
FOR EACH STATEMENT EXECUTE FUNCTION catalog_variant_search_touch();

UPDATE catalog_product SET search_vector = NULL;
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS catalog_variant_search_insert ON catalog_productvariant;
DROP TRIGGER IF EXISTS catalog_variant_search_update ON catalog_productvariant;
DROP TRIGGER IF EXISTS catalog_variant_search_delete ON catalog_productvariant;
DROP FUNCTION IF EXISTS catalog_variant_search_touch();
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
    dependencies = [("catalog", "0008_search_vector_triggers")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
