"""What the Django admin may not do to a model: the admin is a client of the services, and
rows that only a service may create, change or delete say so with these mixins."""


class NoAddInAdmin:
    """Rows are created on the site or by a service, with its checks."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class NoDeleteInAdmin:
    """Hidden (or erased through a service), never deleted here; also drops 'delete selected'."""

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ViewOnlyInAdmin(NoAddInAdmin, NoDeleteInAdmin):
    """Shown for reference; every write goes through the city's pages and their services."""

    def has_change_permission(self, request, obj=None) -> bool:
        return False
