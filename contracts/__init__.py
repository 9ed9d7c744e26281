"""jiefen contracts: the marshmallow schemas, enums and error codes every service and client shares."""
