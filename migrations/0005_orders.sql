-- Orders, invoices and deliveries, as the company's order system reports them.
-- Rapport shows them and lets customers open cases about them; it does not
-- replace the order system, so every record is keyed by the order system's number
-- and an import of the same file again changes nothing.
--
-- Money is exact: integer minor units (cents) with an ISO 4217 currency code.
-- Tax rates are in parts per million of the net amount (8.1 % = 81000).

CREATE TABLE products (
    id                bigserial PRIMARY KEY,
    sku               text NOT NULL UNIQUE CHECK (length(btrim(sku)) BETWEEN 1 AND 64),
    name              text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    description       text NOT NULL DEFAULT '' CHECK (length(description) <= 5000),
    unit_price_minor  bigint NOT NULL CHECK (unit_price_minor >= 0),
    currency          text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    vendor            text NOT NULL DEFAULT '' CHECK (length(vendor) <= 200),
    -- A hash of the record as last imported: importing it again unchanged does nothing.
    import_hash       text NOT NULL DEFAULT '',
    updated_at        timestamptz NOT NULL DEFAULT now()
);

-- Customers see the orders they placed; with this set, every member of the
-- organization sees all of its orders, invoices and deliveries.
ALTER TABLE organizations
    ADD COLUMN members_see_all_orders boolean NOT NULL DEFAULT false;

CREATE TABLE orders (
    id               bigserial PRIMARY KEY,
    number           text NOT NULL UNIQUE CHECK (length(btrim(number)) BETWEEN 1 AND 64),
    organization_id  bigint NOT NULL REFERENCES organizations (id),
    -- The customer who placed it, when the order system knows them.
    placed_by        bigint REFERENCES users (id),
    status           text NOT NULL
                     CHECK (status IN ('placed', 'processing', 'shipped', 'completed', 'cancelled')),
    ordered_on       date NOT NULL,
    currency         text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    -- The sum of the line totals, kept with the lines by the same transaction.
    total_minor      bigint NOT NULL CHECK (total_minor >= 0),
    -- A hash of the record as last imported: importing it again unchanged does nothing.
    import_hash       text NOT NULL DEFAULT '',
    updated_at       timestamptz NOT NULL DEFAULT now(),
    -- Lets invoices and deliveries prove they belong to the same organization.
    UNIQUE (id, organization_id)
);
CREATE INDEX orders_organization_idx ON orders (organization_id, ordered_on DESC, id DESC);
CREATE INDEX orders_placed_by_idx ON orders (placed_by, ordered_on DESC, id DESC);

CREATE TABLE order_lines (
    id                bigserial PRIMARY KEY,
    order_id          bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    position          integer NOT NULL CHECK (position >= 1),
    product_id        bigint NOT NULL REFERENCES products (id),
    quantity          integer NOT NULL CHECK (quantity >= 1),
    unit_price_minor  bigint NOT NULL CHECK (unit_price_minor >= 0),
    line_total_minor  bigint NOT NULL CHECK (line_total_minor = quantity * unit_price_minor),
    UNIQUE (order_id, position)
);
CREATE INDEX order_lines_product_idx ON order_lines (product_id);

CREATE TABLE invoices (
    id                bigserial PRIMARY KEY,
    number            text NOT NULL UNIQUE CHECK (length(btrim(number)) BETWEEN 1 AND 64),
    order_id          bigint NOT NULL,
    organization_id   bigint NOT NULL,
    issued_on         date NOT NULL,
    due_on            date NOT NULL CHECK (due_on >= issued_on),
    currency          text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    -- Overdue is not stored: it is an open invoice past its due date, worked out
    -- when read, so it is never stale.
    status            text NOT NULL CHECK (status IN ('open', 'paid', 'void')),
    paid_on           date CHECK ((status = 'paid') = (paid_on IS NOT NULL)),
    subtotal_minor    bigint NOT NULL,
    tax_total_minor   bigint NOT NULL,
    total_minor       bigint NOT NULL CHECK (total_minor = subtotal_minor + tax_total_minor),
    -- A hash of the record as last imported: importing it again unchanged does nothing.
    import_hash       text NOT NULL DEFAULT '',
    updated_at        timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (order_id, organization_id) REFERENCES orders (id, organization_id)
);
CREATE INDEX invoices_organization_idx ON invoices (organization_id, issued_on DESC, id DESC);
CREATE INDEX invoices_order_idx ON invoices (order_id);
CREATE INDEX invoices_open_idx ON invoices (organization_id, due_on) WHERE status = 'open';

CREATE TABLE invoice_lines (
    id                bigserial PRIMARY KEY,
    invoice_id        bigint NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    position          integer NOT NULL CHECK (position >= 1),
    description       text NOT NULL CHECK (length(btrim(description)) BETWEEN 1 AND 500),
    quantity          integer NOT NULL CHECK (quantity >= 1),
    unit_price_minor  bigint NOT NULL,
    net_minor         bigint NOT NULL CHECK (net_minor = quantity * unit_price_minor),
    UNIQUE (invoice_id, position)
);

-- One tax on one invoice line: the amount is rounded once, here, half away from zero.
CREATE TABLE invoice_tax_lines (
    id              bigserial PRIMARY KEY,
    invoice_line_id bigint NOT NULL REFERENCES invoice_lines (id) ON DELETE CASCADE,
    jurisdiction    text NOT NULL CHECK (length(btrim(jurisdiction)) BETWEEN 1 AND 64),
    rate_ppm        integer NOT NULL CHECK (rate_ppm BETWEEN 0 AND 1000000),
    taxable_minor   bigint NOT NULL,
    amount_minor    bigint NOT NULL
);
CREATE INDEX invoice_tax_lines_line_idx ON invoice_tax_lines (invoice_line_id);

CREATE TABLE deliveries (
    id               bigserial PRIMARY KEY,
    number           text NOT NULL UNIQUE CHECK (length(btrim(number)) BETWEEN 1 AND 64),
    order_id         bigint NOT NULL,
    organization_id  bigint NOT NULL,
    carrier          text NOT NULL CHECK (length(btrim(carrier)) BETWEEN 1 AND 100),
    tracking_number  text NOT NULL DEFAULT '' CHECK (length(tracking_number) <= 100),
    status           text NOT NULL
                     CHECK (status IN ('preparing', 'in_transit', 'out_for_delivery',
                                       'delivered', 'exception', 'returned')),
    shipped_on       date,
    delivered_on     date CHECK (delivered_on IS NULL OR (shipped_on IS NOT NULL AND delivered_on >= shipped_on)),
    -- A hash of the record as last imported: importing it again unchanged does nothing.
    import_hash       text NOT NULL DEFAULT '',
    updated_at       timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (order_id, organization_id) REFERENCES orders (id, organization_id)
);
CREATE INDEX deliveries_organization_idx ON deliveries (organization_id, id DESC);
CREATE INDEX deliveries_order_idx ON deliveries (order_id);

-- What a delivery carries: order lines and how many of each.
CREATE TABLE delivery_lines (
    delivery_id    bigint NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    order_line_id  bigint NOT NULL REFERENCES order_lines (id) ON DELETE CASCADE,
    quantity       integer NOT NULL CHECK (quantity >= 1),
    PRIMARY KEY (delivery_id, order_line_id)
);

-- The status history of a delivery, oldest first.
CREATE TABLE delivery_events (
    id           bigserial PRIMARY KEY,
    delivery_id  bigint NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    status       text NOT NULL,
    at           timestamptz NOT NULL,
    note         text NOT NULL DEFAULT '' CHECK (length(note) <= 500)
);
CREATE INDEX delivery_events_delivery_idx ON delivery_events (delivery_id, at, id);

-- What a case is about, when it was opened from an order, an order line, an
-- invoice or a delivery. Every such item belongs to an order, so the order is
-- always set and its organization is the case's.
CREATE TABLE case_links (
    case_id        bigint PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
    kind           text NOT NULL CHECK (kind IN ('order', 'order_line', 'invoice', 'delivery')),
    order_id       bigint NOT NULL REFERENCES orders (id),
    order_line_id  bigint REFERENCES order_lines (id),
    invoice_id     bigint REFERENCES invoices (id),
    delivery_id    bigint REFERENCES deliveries (id),
    CHECK ((kind = 'order_line') = (order_line_id IS NOT NULL)),
    CHECK ((kind = 'invoice') = (invoice_id IS NOT NULL)),
    CHECK ((kind = 'delivery') = (delivery_id IS NOT NULL))
);
