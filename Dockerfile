# Corridor: multi-stage build, small non-root runtime image.
#   docker build -t corridor .
#   docker run --rm -p 8080:8080 corridor                       # embedded data
#   docker run --rm -p 8080:8080 -e CORRIDOR_DB_URL=... corridor # one replica of a database
# The data is compiled into the binary; the service needs no files at run time.

FROM rust:1-bookworm AS build
WORKDIR /src
# Dependencies first, so a source change does not rebuild them.
COPY Cargo.toml Cargo.lock ./
COPY benches benches
RUN mkdir src && echo 'fn main() {}' > src/main.rs && touch src/lib.rs \
    && cargo build --release --locked --bin corridor || true
COPY . .
RUN touch src/main.rs src/lib.rs && cargo build --release --locked --bin corridor \
    && strip target/release/corridor

FROM debian:bookworm-slim AS runtime
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin corridor
COPY --from=build /src/target/release/corridor /usr/local/bin/corridor
USER 10001:10001
EXPOSE 8080
# Binding beyond loopback is explicit, as everywhere.
ENTRYPOINT ["/usr/local/bin/corridor"]
CMD ["serve", "--bind", "0.0.0.0:8080"]
