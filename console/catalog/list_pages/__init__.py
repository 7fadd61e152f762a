"""/catalog, the video list: search and filters (the collection select searched on the server), a column chooser kept
per staff member, a server-paged table whose rows open the editor, and bulk actions on the selected rows.

`listing.CatalogListView` builds the page, `bulk` holds the bar, its dialogs and the one service call, `rows` what
the page reads. The route is registered by `console.catalog.pages.register`.
"""
