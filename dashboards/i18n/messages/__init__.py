"""Message modules, one per UI area; see dashboards.i18n for how to add one."""
