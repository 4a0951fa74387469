package io.fipkeeper.hcloudsim;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty HTTP/1.1 server: decodes requests into {@link SimRequest}, asks the {@link Dispatcher}, and writes the
 * answer (late for SLOW_RESPONSE, not at all for DROP_CONNECTION). A held request ({@link HoldBook}) is dispatched
 * only when its hold ends. Keep-alive is honoured.
 */
final class SimHttpServer {
  private static final Logger log = LoggerFactory.getLogger(SimHttpServer.class);
  private static final int MAX_BODY = 1 << 20;

  private final Dispatcher dispatcher;
  private EventLoopGroup group;
  private Channel channel;

  SimHttpServer(Dispatcher dispatcher) {
    this.dispatcher = dispatcher;
  }

  InetSocketAddress bind(String host, int port) throws InterruptedException {
    group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    try {
      channel = new ServerBootstrap()
          .group(group)
          .channel(NioServerSocketChannel.class)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(MAX_BODY), new Handler());
            }
          })
          .bind(host, port).sync().channel();
    } catch (RuntimeException | InterruptedException e) {
      group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      throw e;
    }
    return (InetSocketAddress) channel.localAddress();
  }

  void close() {
    if (channel != null) {
      channel.close().syncUninterruptibly();
    }
    if (group != null) {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
      QueryStringDecoder qs = new QueryStringDecoder(msg.uri());
      Map<String, String> headers = new LinkedHashMap<>();
      msg.headers().forEach(h -> headers.merge(h.getKey().toLowerCase(Locale.ROOT), h.getValue(), (a, b) -> a + ", " + b));
      SimRequest req = new SimRequest(msg.method().name(), msg.uri(), qs.path(), qs.parameters(), headers,
          msg.content().toString(StandardCharsets.UTF_8));
      boolean keepAlive = HttpUtil.isKeepAlive(msg);
      HoldBook.Held held = dispatcher.hold(req);
      if (held == null) {
        respond(ctx, req, keepAlive, null);
      } else {
        long nanos = java.time.Duration.between(held.arrived(), held.released()).toNanos();
        ctx.executor().schedule(() -> respond(ctx, req, keepAlive, held), nanos, TimeUnit.NANOSECONDS);
      }
    }

    private void respond(ChannelHandlerContext ctx, SimRequest req, boolean keepAlive, HoldBook.Held held) {
      SimResponse response;
      try {
        response = dispatcher.dispatch(req);
      } catch (RuntimeException e) {
        log.warn("request failed path={} error={}", req.path(), e.toString());
        response = SimResponse.error(500, "server_error", "simulator bug: " + e.getMessage(), null);
      }
      if (held != null) {
        dispatcher.released(held, response);
      }
      if (response.drop) {
        ctx.close();
        return;
      }
      FullHttpResponse out = toNetty(response);
      HttpUtil.setKeepAlive(out, keepAlive);
      Runnable write = () -> {
        if (keepAlive) {
          ctx.writeAndFlush(out);
        } else {
          ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
        }
      };
      if (response.delay.isZero()) {
        write.run();
      } else {
        ctx.executor().schedule(write, response.delay.toNanos(), TimeUnit.NANOSECONDS);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.debug("connection error error={}", cause.toString());
      ctx.close();
    }
  }

  private static FullHttpResponse toNetty(SimResponse r) {
    ByteBuf content = Unpooled.copiedBuffer(r.body == null ? "" : r.body, StandardCharsets.UTF_8);
    FullHttpResponse out =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(r.status), content);
    if (r.contentType != null) {
      out.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType);
    }
    r.headers.forEach((k, v) -> out.headers().set(k, v));
    out.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
    return out;
  }
}
