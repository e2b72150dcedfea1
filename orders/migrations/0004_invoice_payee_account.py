from django.db import migrations, models


def copy_accounts(apps, schema_editor):
    """Invoices already issued keep the account their vendor had when this was introduced."""
    Invoice = apps.get_model("orders", "Invoice")
    for invoice in Invoice.objects.select_related("order__vendor"):
        vendor = invoice.order.vendor
        invoice.bank_name = vendor.bank_name
        invoice.bank_account_number = vendor.bank_account_number
        invoice.bank_account_holder = vendor.bank_account_holder or vendor.legal_name
        invoice.save(update_fields=["bank_name", "bank_account_number", "bank_account_holder"])


class Migration(migrations.Migration):
    dependencies = [("orders", "0003_state_table_receipts_payments_keys")]

    operations = [
        migrations.AddField(
            model_name="invoice",
            name="bank_name",
            field=models.CharField(default="", max_length=100, verbose_name="bank"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="invoice",
            name="bank_account_number",
            field=models.CharField(default="", max_length=30, verbose_name="account number"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="invoice",
            name="bank_account_holder",
            field=models.CharField(default="", max_length=200, verbose_name="account holder"),
            preserve_default=False,
        ),
        migrations.RunPython(copy_accounts, migrations.RunPython.noop),
    ]
