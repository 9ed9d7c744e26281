"""The window gateway: HTTP (JSON API, OpenAPI, the window terminal page, resident lookup) in front of
the case services, which it calls over nameko RPC as the signed-in user."""
