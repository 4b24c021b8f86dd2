"""Replace User.full_name with first_name and last_name, keeping the names.

A full name splits at its first space ("Ada King Lovelace" becomes "Ada" and
"King Lovelace"); the reverse joins them with a space, cut to the old 200
characters. The split is copied here, not imported, so that this migration
keeps meaning the same when the model's helper changes.
"""

from django.db import migrations, models

OLD_MAX_LENGTH = 200


def split_full_names(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    users = list(User.objects.exclude(full_name="").only("pk", "full_name"))
    for user in users:
        first, _, last = " ".join(user.full_name.split()).partition(" ")
        user.first_name, user.last_name = first, last
    User.objects.bulk_update(users, ["first_name", "last_name"], batch_size=1000)


def join_names(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    users = list(
        User.objects.exclude(first_name="", last_name="").only(
            "pk", "first_name", "last_name"
        )
    )
    for user in users:
        full = f"{user.first_name} {user.last_name}".strip()
        user.full_name = full[:OLD_MAX_LENGTH]
    User.objects.bulk_update(users, ["full_name"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_tokens_and_verification"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="first_name",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name="user",
            name="last_name",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.RunPython(split_full_names, join_names),
        migrations.RemoveField(model_name="user", name="full_name"),
    ]
