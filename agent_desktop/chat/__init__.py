"""The web chat's side of the web app: the visitors' sockets, the relay from the bus, CORS for the
sites that embed the widget, and how conversation values look on the wire."""
