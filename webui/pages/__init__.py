"""The HTML pages an official, auditor, designer or member of the public uses: each module one blueprint, each
view parsing the request, calling one engine service and rendering its answer."""
