package gamepipe.s3mock;

import org.apache.catalina.connector.Connector;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;

/**
 * S3Mock adds its plain-HTTP connector with a port and no address, so Tomcat binds it on every
 * interface; `server.address` only reaches the main (HTTPS) connector. Test services bind to
 * 127.0.0.1 only: this auto-configuration, put on S3Mock's loader.path, gives the extra connectors
 * that address before Tomcat starts.
 */
@AutoConfiguration
public class LoopbackConnectors {
  @Bean
  WebServerFactoryCustomizer<TomcatServletWebServerFactory> loopbackOnly() {
    return factory -> {
      for (Connector connector : factory.getAdditionalTomcatConnectors()) {
        connector.setProperty("address", "127.0.0.1");
      }
    };
  }
}
