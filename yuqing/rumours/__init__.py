"""The rumour / debunk base (辟谣库) and matching of incoming items against it."""
