# Multi-stage build: compile in the Rust image, run on a slim Debian.
FROM rust:1.95-bookworm AS build
WORKDIR /src
# Build dependencies first so that code changes don't rebuild them.
COPY Cargo.toml Cargo.lock ./
RUN mkdir src && echo 'fn main() {}' > src/main.rs && touch src/lib.rs \
    && cargo build --release --locked || true
COPY . .
RUN touch src/main.rs src/lib.rs && cargo build --release --locked --bin fakewatch

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /app fakewatch
WORKDIR /app
COPY --from=build /src/target/release/fakewatch /usr/local/bin/fakewatch
COPY static ./static
RUN mkdir -p /app/data && chown fakewatch /app/data
USER fakewatch
ENV FAKEWATCH_LISTEN=0.0.0.0:8080 \
    FAKEWATCH_DATA_DIR=/app/data \
    FAKEWATCH_STATIC_DIR=/app/static
EXPOSE 8080
# The binary asks its own /healthz (on FAKEWATCH_LISTEN); the image needs no curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s CMD ["fakewatch", "healthcheck"]
ENTRYPOINT ["fakewatch"]
CMD ["serve"]
