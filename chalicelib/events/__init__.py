"""Events and their programmes: the declaration, the store, what visitors see and what organisers change."""
